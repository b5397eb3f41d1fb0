/// Every metric of one (fast, slow) combination. Definitions are in docs/sweep-metrics.md;
/// non-finite values (`+inf` Sharpe of a flat run, `NaN` win rate without closed trades) are kept.
public struct CombinationMetrics: Sendable, Equatable, Codable {
    public var fastPeriod: Int
    public var slowPeriod: Int
    /// `(V[N-1]/V0 − 1) × 100`, including an open position marked at the last close.
    public var totalReturnPct: Double
    /// `(V[N-1]/V0)^(P/N) − 1`, a fraction per year of `P` bars (`SweepRequest.barsPerYear`, 252 by default).
    public var annualizedReturn: Double
    /// `mean(r)/std(r, ddof 1) × √P`; `+inf` if `std = 0`.
    public var sharpeRatio: Double
    /// `mean(r) × P / (√(mean(min(r,0)²)) × √P)`; `+inf` if the downside deviation is 0.
    public var sortinoRatio: Double
    /// Largest peak-to-trough fall of the portfolio value, in percent, as a positive number.
    public var maxDrawdownPct: Double
    /// Share of closed trades with PnL > 0, in percent; NaN without closed trades.
    public var winRatePct: Double
    /// Gross profit / |gross loss| of closed trades in money; `+inf` without losses, NaN if none.
    public var profitFactor: Double
    /// Closed trades plus the open one at the end (0 or 1).
    public var totalTrades: Int
    /// Closed (round-trip) trades only.
    public var closedTrades: Int
    /// `totalTrades / (N / (P / 12))`: trades per month of `P / 12` bars (21 at the default 252).
    public var tradesPerMonth: Double
    /// Mean bars held per trade (an open trade counts to the last bar); NaN without trades.
    public var avgTradeDuration: Double
    /// The ranking composite: `sharpe × (1 − maxDrawdownPct/100)`, 0 when Sharpe is not finite.
    public var score: Double
    /// False when `totalTrades < minTrades`: reported, not ranked.
    public var isRanked: Bool

    public init(
        fastPeriod: Int, slowPeriod: Int, totalReturnPct: Double, annualizedReturn: Double, sharpeRatio: Double,
        sortinoRatio: Double, maxDrawdownPct: Double, winRatePct: Double, profitFactor: Double, totalTrades: Int,
        closedTrades: Int, tradesPerMonth: Double, avgTradeDuration: Double, score: Double, isRanked: Bool
    ) {
        self.fastPeriod = fastPeriod
        self.slowPeriod = slowPeriod
        self.totalReturnPct = totalReturnPct
        self.annualizedReturn = annualizedReturn
        self.sharpeRatio = sharpeRatio
        self.sortinoRatio = sortinoRatio
        self.maxDrawdownPct = maxDrawdownPct
        self.winRatePct = winRatePct
        self.profitFactor = profitFactor
        self.totalTrades = totalTrades
        self.closedTrades = closedTrades
        self.tradesPerMonth = tradesPerMonth
        self.avgTradeDuration = avgTradeDuration
        self.score = score
        self.isRanked = isRanked
    }
}

extension CombinationMetrics {
    /// The documented composite used for ranking: Sharpe scaled down by the worst drawdown,
    /// so two equally smooth strategies rank by how deep they fell. Non-finite Sharpe → 0.
    public static func score(sharpe: Double, maxDrawdownPct: Double) -> Double {
        guard sharpe.isFinite else { return 0 }
        return sharpe * (1 - maxDrawdownPct / 100)
    }
}
