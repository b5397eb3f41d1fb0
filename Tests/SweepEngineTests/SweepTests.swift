import Foundation
import Testing

@testable import SweepEngine

@Suite("Grid sweeps")
struct SweepTests {
    static func goog() throws -> PriceSeries {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/ZixlyDatasets/SampleData/GOOG.csv")
        return try PriceSeries(csv: try String(contentsOf: url, encoding: .utf8))
    }

    @Test("the grid keeps fast < slow, fast-major order, stepping from each lower bound")
    func grid() {
        let grid = SweepGrid(fastRange: 2...6, slowRange: 4...8, step: 2)
        #expect(grid.combinations.map { [$0.fast, $0.slow] } == [[2, 4], [2, 6], [2, 8], [4, 6], [4, 8], [6, 8]])
        #expect(grid.combinationCount == 6)
        #expect(SweepGrid(fastRange: 2...100, slowRange: 3...200).combinationCount == 14_751)
    }

    @Test("the count by division equals the pairs listed, for any bounds and step, overlapping or not")
    func gridCount() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bounds = (0..<4).map { _ in Int.random(in: 1...40, using: &generator) }
            let grid = SweepGrid(
                fastRange: min(bounds[0], bounds[1])...max(bounds[0], bounds[1]), slowRange: min(bounds[2], bounds[3])...max(bounds[2], bounds[3]),
                step: Int.random(in: 1...7, using: &generator))
            #expect(grid.combinationCount == grid.combinations.count, "\(grid)")
        }
        #expect(SweepGrid(fastRange: 1...10_000, slowRange: 1...10_000).combinationCount == 10_000 * 9_999 / 2)
    }

    @Test("results are identical for any thread count", arguments: [Strategy.sma, .ema, .macd])
    func deterministic(strategy: Strategy) throws {
        let series = try Self.goog()
        let grid = SweepGrid(fastRange: 2...30, slowRange: 5...60, step: 3)
        let one = try Sweep.run(series, SweepRequest(strategy: strategy, grid: grid, minTrades: 5, threads: 1))
        let four = try Sweep.run(series, SweepRequest(strategy: strategy, grid: grid, minTrades: 5, threads: 4))
        #expect(one.results.count == grid.combinationCount)
        #expect(
            one.results.elementsEqual(four.results) { a, b in
                a.fastPeriod == b.fastPeriod && a.slowPeriod == b.slowPeriod && a.totalReturnPct == b.totalReturnPct
                    && a.totalTrades == b.totalTrades && a.sharpeRatio == b.sharpeRatio
            })
        #expect(one.ranking == four.ranking)
    }

    @Test("over the memory budget (SMA from running sums, EMA per pair) results are bit-identical", arguments: [Strategy.sma, .ema, .macd])
    func leanLayouts(strategy: Strategy) throws {
        let series = try Self.goog()
        var request = SweepRequest(strategy: strategy, grid: SweepGrid(fastRange: 2...40, slowRange: 10...90, step: 4), minTrades: 5)
        let stored = try Sweep.run(series, request)
        request.memoryBudget = 0
        let lean = try Sweep.run(series, request)
        #expect(
            stored.results.elementsEqual(lean.results) { a, b in
                a.totalReturnPct.bitPattern == b.totalReturnPct.bitPattern && a.sharpeRatio.bitPattern == b.sharpeRatio.bitPattern
                    && a.maxDrawdownPct.bitPattern == b.maxDrawdownPct.bitPattern && a.totalTrades == b.totalTrades
            })
    }

    @Test("the ranking orders ranked rows by score, best first")
    func ranking() throws {
        let outcome = try Sweep.run(
            try Self.goog(), SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 2...20, slowRange: 10...40, step: 2), minTrades: 60))
        let ranked = outcome.rankedResults
        #expect(!ranked.isEmpty && ranked.count < outcome.totalCombinations)
        #expect(ranked.allSatisfy { $0.totalTrades >= 60 })
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(outcome.best == ranked.first)
    }

    @Test("MACD's signal line is the 9-bar EMA of MACD, and the sweep trades on it")
    func macd() throws {
        let series = try Self.goog()
        let fast = Indicators.ema(series.closes, window: 12)
        let slow = Indicators.ema(series.closes, window: 26)
        let macd = zip(fast, slow).map { $0 - $1 }
        let signal = Indicators.ema(macd, window: 9)
        #expect(signal[24].isNaN == false || signal[33].isNaN == false)
        #expect(signal.firstIndex(where: { !$0.isNaN }) == 25 + 8)
        let outcome = try Sweep.run(series, SweepRequest(strategy: .macd, grid: SweepGrid(fastRange: 12...12, slowRange: 26...26)))
        #expect(outcome.results[0].totalTrades > 10)
    }

    @Test("a cancelled sweep stops with SweepCancelled")
    func cancel() throws {
        let request = SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 2...60, slowRange: 3...120), threads: 2)
        #expect(throws: SweepCancelled.self) { try Sweep.run(try Self.goog(), request) { _, _ in false } }
    }

    @Test("equity curve starts at 100 and ends at the total return; buy-and-hold follows the closes")
    func curves() throws {
        let series = try Self.goog()
        let outcome = try Sweep.run(series, SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 10...10, slowRange: 30...30)))
        let curve = Sweep.equityCurve(series, strategy: .sma, fast: 10, slow: 30)
        #expect(curve.count == series.count && curve[0] == 100)
        #expect(abs(curve.last! / 100 - 1 - outcome.results[0].totalReturnPct / 100) < 1e-12)
        let hold = Sweep.buyAndHoldCurve(series)
        #expect(hold[0] == 100 && abs(hold.last! - 100 * series.closes.last! / series.closes[0]) < 1e-9)
    }

    @Test("a replay's trades agree with the sweep's counts and with its equity curve, fees and slippage included")
    func trades() throws {
        let series = try Self.goog()
        let costs = ExecutionCosts(feesBps: 10, slippageBps: 5)
        let outcome = try Sweep.run(series, SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 10...10, slowRange: 30...30), costs: costs))
        let metrics = outcome.results[0]
        let replay = Sweep.replay(series, strategy: .sma, fast: 10, slow: 30, costs: costs)
        #expect(replay.trades.count == metrics.totalTrades && metrics.totalTrades > 10)
        #expect(replay.trades.filter { $0.exitBar != nil }.count == metrics.closedTrades)
        #expect(
            replay.trades.filter { $0.exitBar != nil && $0.pnl > 0 }.count * 100 == Int((metrics.winRatePct * Double(metrics.closedTrades)).rounded())
        )
        for trade in replay.trades {
            #expect(abs(trade.entryPrice / series.closes[trade.entryBar] - 1.0005) < 1e-12, "bought at the close plus slippage")
            if let exit = trade.exitBar, let price = trade.exitPrice {
                #expect(abs(price / series.closes[exit] - 0.9995) < 1e-12 && exit > trade.entryBar, "sold at the close less slippage")
            }
        }
        // Every trade starts with all the cash, so the cash compounds by each trade's return.
        let compounded = replay.trades.reduce(100.0) { cash, trade in cash * (1 + trade.returnPct / 100) }
        #expect(abs(compounded - replay.values.last!) < 1e-9 * compounded, "\(compounded) against \(replay.values.last!)")
        #expect(replay.values == Sweep.equityCurve(series, strategy: .sma, fast: 10, slow: 30, costs: costs))
    }
}
