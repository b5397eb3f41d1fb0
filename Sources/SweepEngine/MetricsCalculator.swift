#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns one simulation (its running sums, trade tally and per-bar returns) into the metrics row.
/// Returns are per bar, all bars included, `r[i] = V[i]/V[i-1] − 1` with `V[-1]` = initial cash.
/// The standard deviation takes a second pass over the stored returns (mean first, then squared
/// deviations), as numpy and vectorbt compute it, so results agree to the last bits.
enum MetricsCalculator {
    static func metrics(
        fast: Int, slow: Int, scratch: SignalLines.Scratch, tally: TradeTally, minTrades: Int, barsPerYear: Double
    ) -> CombinationMetrics {
        let count = scratch.returns.count
        let bars = Double(count)
        let mean = tally.returnSum / bars
        var squaredDeviations = 0.0
        for bar in 0..<count {
            let deviation = scratch.returns[bar] - mean
            squaredDeviations += deviation * deviation
        }
        let std = count > 1 ? (squaredDeviations / (bars - 1)).squareRoot() : .nan
        let annualization = barsPerYear.squareRoot()
        let sharpe = std == 0 ? .infinity : mean / std * annualization
        let downsideDeviation = (tally.downsideSquares / bars).squareRoot()
        let sortino =
            downsideDeviation == 0
            ? .infinity : mean * barsPerYear / (downsideDeviation * annualization)

        let finalRatio = scratch.values[count - 1] / Backtester.initialCash
        let maxDrawdownPct = -100 * tally.worstDrawdown
        let winRate =
            tally.closedTrades == 0
            ? Double.nan : 100 * Double(tally.winningTrades) / Double(tally.closedTrades)
        let profitFactor: Double =
            if tally.closedTrades == 0 || (tally.grossProfit == 0 && tally.grossLoss == 0) { .nan } else if tally.grossLoss == 0 { .infinity } else {
                tally.grossProfit / -tally.grossLoss
            }
        return CombinationMetrics(
            fastPeriod: fast,
            slowPeriod: slow,
            totalReturnPct: (finalRatio - 1) * 100,
            annualizedReturn: pow(finalRatio, barsPerYear / bars) - 1,
            sharpeRatio: sharpe,
            sortinoRatio: sortino,
            maxDrawdownPct: maxDrawdownPct,
            winRatePct: winRate,
            profitFactor: profitFactor,
            totalTrades: tally.totalTrades,
            closedTrades: tally.closedTrades,
            tradesPerMonth: Double(tally.totalTrades) / (bars / (barsPerYear / 12)),
            avgTradeDuration: tally.totalTrades == 0 ? .nan : Double(tally.barsHeld) / Double(tally.totalTrades),
            score: CombinationMetrics.score(sharpe: sharpe, maxDrawdownPct: maxDrawdownPct),
            isRanked: tally.totalTrades >= minTrades)
    }
}
