public import SweepEngine
public import ZixlyCore

extension CombinationMetrics {
    /// The API's snake_case object. Non-finite numbers (an infinite Sharpe, a NaN win rate) become
    /// `null`, since JSON has no spelling for them; the CSV keeps `inf` and `nan`.
    public var json: JSONValue {
        [
            "fast_period": .number(Double(fastPeriod)),
            "slow_period": .number(Double(slowPeriod)),
            "score": .number(score),
            "sharpe_ratio": .number(sharpeRatio),
            "sortino_ratio": .number(sortinoRatio),
            "total_return_pct": .number(totalReturnPct),
            "annualized_return": .number(annualizedReturn),
            "max_drawdown_pct": .number(maxDrawdownPct),
            "win_rate_pct": .number(winRatePct),
            "profit_factor": .number(profitFactor),
            "total_trades": .number(Double(totalTrades)),
            "closed_trades": .number(Double(closedTrades)),
            "trades_per_month": .number(tradesPerMonth),
            "avg_trade_duration": .number(avgTradeDuration),
            "ranked": .bool(isRanked),
        ]
    }

    /// Columns of the results CSV, in order.
    public static let csvHeader = [
        "fast_period", "slow_period", "score", "sharpe_ratio", "sortino_ratio", "total_return_pct", "annualized_return",
        "max_drawdown_pct", "win_rate_pct", "profit_factor", "total_trades", "closed_trades", "trades_per_month",
        "avg_trade_duration", "ranked",
    ]

    /// One CSV line (no newline): shortest round-trip floats, `nan`, `inf`, `-inf`.
    public var csvLine: String {
        [
            String(fastPeriod), String(slowPeriod), score.csv, sharpeRatio.csv, sortinoRatio.csv, totalReturnPct.csv,
            annualizedReturn.csv, maxDrawdownPct.csv, winRatePct.csv, profitFactor.csv, String(totalTrades),
            String(closedTrades), tradesPerMonth.csv, avgTradeDuration.csv, isRanked ? "true" : "false",
        ].joined(separator: ",")
    }
}

extension Double {
    /// Python-`repr`-like text: shortest round-trip digits, `nan`, `inf`, `-inf`.
    public var csv: String {
        if isNaN { return "nan" }
        if isInfinite { return self > 0 ? "inf" : "-inf" }
        return "\(self)"
    }
}
