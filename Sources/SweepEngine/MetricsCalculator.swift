#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one simulation (its per-bar portfolio values and trade tally) into the metrics row.
/// Returns are per bar, all bars included, `r[i] = V[i]/V[i-1] − 1` with `V[-1]` = initial cash.
enum MetricsCalculator {
    static func metrics(
        fast: Int, slow: Int, values: UnsafeMutableBufferPointer<Double>, tally: TradeTally, minTrades: Int
    ) -> CombinationMetrics {
        let count = values.count
        let bars = Double(count)
        let start = Backtester.initialCash

        var sum = 0.0
        var downsideSquares = 0.0
        var previous = start
        var peak = start
        var worstDrawdown = 0.0
        for bar in 0..<count {
            let value = values[bar]
            let r = value / previous - 1
            sum += r
            if r < 0 { downsideSquares += r * r }
            previous = value
            if value > peak { peak = value }
            let drawdown = value / peak - 1
            if drawdown < worstDrawdown { worstDrawdown = drawdown }
        }
        let mean = sum / bars
        var squaredDeviations = 0.0
        previous = start
        for bar in 0..<count {
            let deviation = (values[bar] / previous - 1) - mean
            squaredDeviations += deviation * deviation
            previous = values[bar]
        }
        let std = count > 1 ? (squaredDeviations / (bars - 1)).squareRoot() : .nan
        let annualization = Backtester.barsPerYear.squareRoot()
        let sharpe = std == 0 ? .infinity : mean / std * annualization
        let downsideDeviation = (downsideSquares / bars).squareRoot()
        let sortino = downsideDeviation == 0
            ? .infinity : mean * Backtester.barsPerYear / (downsideDeviation * annualization)

        let finalRatio = values[count - 1] / start
        let maxDrawdownPct = -100 * worstDrawdown
        let winRate = tally.closedTrades == 0
            ? Double.nan : 100 * Double(tally.winningTrades) / Double(tally.closedTrades)
        let profitFactor: Double =
            if tally.closedTrades == 0 || (tally.grossProfit == 0 && tally.grossLoss == 0) { .nan }
            else if tally.grossLoss == 0 { .infinity }
            else { tally.grossProfit / -tally.grossLoss }
        return CombinationMetrics(
            fastPeriod: fast,
            slowPeriod: slow,
            totalReturnPct: (finalRatio - 1) * 100,
            annualizedReturn: pow(finalRatio, Backtester.barsPerYear / bars) - 1,
            sharpeRatio: sharpe,
            sortinoRatio: sortino,
            maxDrawdownPct: maxDrawdownPct,
            winRatePct: winRate,
            profitFactor: profitFactor,
            totalTrades: tally.totalTrades,
            closedTrades: tally.closedTrades,
            tradesPerMonth: Double(tally.totalTrades) / (bars / Backtester.barsPerMonth),
            avgTradeDuration: tally.totalTrades == 0 ? .nan : Double(tally.barsHeld) / Double(tally.totalTrades),
            score: CombinationMetrics.score(sharpe: sharpe, maxDrawdownPct: maxDrawdownPct),
            isRanked: tally.totalTrades >= minTrades)
    }
}
