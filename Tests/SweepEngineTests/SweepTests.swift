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
}
