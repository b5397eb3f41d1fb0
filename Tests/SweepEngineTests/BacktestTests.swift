import Foundation
import Testing

@testable import SweepEngine

/// Hand-worked series (see the comments) checked metric by metric.
@Suite("One combination, computed by hand")
struct BacktestTests {
    static func run(_ closes: [Double], fast: Int, slow: Int, strategy: Strategy = .sma, costs: ExecutionCosts = .none, minTrades: Int = 0) throws
        -> CombinationMetrics
    {
        let series = try PriceSeries(dates: closes.indices.map { "d\($0)" }, closes: closes)
        let request = SweepRequest(
            strategy: strategy, grid: SweepGrid(fastRange: fast...fast, slowRange: slow...slow), costs: costs, minTrades: minTrades, threads: 1)
        return try Sweep.run(series, request).results[0]
    }

    /// Plain textbook formulas over the value path, written independently of the engine.
    static func ratios(_ values: [Double]) -> (sharpe: Double, sortino: Double) {
        var previous = 100.0
        let returns = values.map { value in
            defer { previous = value }
            return value / previous - 1
        }
        let n = Double(returns.count)
        let mean = returns.reduce(0, +) / n
        let variance = returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)
        let downside = (returns.map { min($0, 0) * min($0, 0) }.reduce(0, +) / n).squareRoot()
        return (mean / variance.squareRoot() * 252.0.squareRoot(), mean * 252 / (downside * 252.0.squareRoot()))
    }

    // closes 10 9 8 9 11 12 11 9 8 10, SMA(1) vs SMA(2):
    // bar 3: SMA1 9 > SMA2 8.5 after being below → buy 100/9 units at 9
    // bar 6: SMA1 11 < SMA2 11.5 → sell at 11: cash 122.2̅, PnL +22.2̅ (a win)
    // bar 9: SMA1 10 > SMA2 9 → buy at 10, still open at the end (marked at 10)
    static let closes: [Double] = [10, 9, 8, 9, 11, 12, 11, 9, 8, 10]

    @Test("one closed winning trade and one open trade")
    func handWorked() throws {
        let metrics = try Self.run(Self.closes, fast: 1, slow: 2)
        let units = 100.0 / 9
        let values = [100, 100, 100, 100, units * 11, units * 12, units * 11, units * 11, units * 11, units * 11]
        #expect(metrics.totalTrades == 2 && metrics.closedTrades == 1)
        #expect(abs(metrics.totalReturnPct - (units * 11 - 100)) < 1e-12)
        #expect(metrics.winRatePct == 100)
        #expect(metrics.profitFactor == .infinity)
        #expect(abs(metrics.maxDrawdownPct - 100 * (1 - 11.0 / 12.0)) < 1e-12)
        #expect(metrics.avgTradeDuration == 1.5)
        #expect(abs(metrics.tradesPerMonth - 2 / (10.0 / 21.0)) < 1e-12)
        #expect(abs(metrics.annualizedReturn - (pow(units * 11 / 100, 252.0 / 10) - 1)) < 1e-9)
        let (sharpe, sortino) = Self.ratios(values)
        #expect(abs(metrics.sharpeRatio - sharpe) < 1e-12)
        #expect(abs(metrics.sortinoRatio - sortino) < 1e-12)
        #expect(abs(metrics.score - sharpe * (1 - metrics.maxDrawdownPct / 100)) < 1e-12)
    }

    @Test("a losing round trip counts against win rate and profit factor")
    func losingTrade() throws {
        // SMA1 vs SMA2 on 10 9 10 9 8: buy at 10 (bar 2), sell at 9 (bar 3); PnL = 10 × (9 − 10) = −10
        let metrics = try Self.run([10, 9, 10, 9, 8], fast: 1, slow: 2)
        #expect(metrics.closedTrades == 1 && metrics.totalTrades == 1)
        #expect(metrics.winRatePct == 0)
        #expect(metrics.profitFactor == 0)
        #expect(abs(metrics.totalReturnPct - -10) < 1e-12)
        #expect(abs(metrics.maxDrawdownPct - 10) < 1e-12)
    }

    @Test("flat prices: no trade, zero return, infinite Sharpe as vectorbt, NaN trade ratios")
    func flat() throws {
        let metrics = try Self.run(Array(repeating: 50, count: 30), fast: 2, slow: 5)
        #expect(metrics.totalTrades == 0 && metrics.closedTrades == 0)
        #expect(metrics.totalReturnPct == 0 && metrics.maxDrawdownPct == 0)
        #expect(metrics.sharpeRatio == .infinity && metrics.sortinoRatio == .infinity)
        #expect(metrics.winRatePct.isNaN && metrics.profitFactor.isNaN && metrics.avgTradeDuration.isNaN)
        #expect(metrics.score == 0)
    }

    @Test("windows longer than the data give no trades and no crash")
    func windowsLongerThanData() throws {
        let metrics = try Self.run([1, 2, 3, 4, 5], fast: 10, slow: 20)
        #expect(metrics.totalTrades == 0 && metrics.totalReturnPct == 0)
    }

    @Test("a position open at the end is marked to market, counted, and left out of win rate")
    func openAtEnd() throws {
        // SMA1 vs SMA2 on 10 9 10 12: buy at 10 (bar 2), held: value 120 at the end
        let metrics = try Self.run([10, 9, 10, 12], fast: 1, slow: 2)
        #expect(metrics.totalTrades == 1 && metrics.closedTrades == 0)
        #expect(abs(metrics.totalReturnPct - 20) < 1e-12)
        #expect(metrics.winRatePct.isNaN && metrics.profitFactor.isNaN)
        #expect(metrics.avgTradeDuration == 1)
    }

    @Test("fees and slippage in basis points reduce the fills")
    func costs() throws {
        let costs = ExecutionCosts(feesBps: 10, slippageBps: 5)
        let metrics = try Self.run(Self.closes, fast: 1, slow: 2, costs: costs)
        let buy = 9 * 1.0005
        let sell = 11 * 0.9995
        let units = 100 / (buy * 1.001)
        let cash = units * sell * 0.999
        let units2 = cash / (10 * 1.0005 * 1.001)
        #expect(abs(metrics.totalReturnPct - (units2 * 10 - 100)) < 1e-9)
        #expect(metrics.winRatePct == 100)
    }

    @Test("combinations under min_trades are reported but not ranked")
    func minTrades() throws {
        #expect(try Self.run(Self.closes, fast: 1, slow: 2, minTrades: 2).isRanked)
        #expect(try !Self.run(Self.closes, fast: 1, slow: 2, minTrades: 3).isRanked)
    }
}
