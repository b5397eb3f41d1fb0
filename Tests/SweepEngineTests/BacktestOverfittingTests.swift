import Foundation
import Synchronization
import Testing

@testable import SweepEngine

@Suite("Probability of Backtest Overfitting (CSCV)")
struct BacktestOverfittingTests {
    /// Per-block moments of `returns[c]` for each combination c.
    static func moments(_ returns: [[Double]], blocks: Int) -> (moments: [ReturnMoments], partition: BacktestOverfitting.Partition) {
        let partition = BacktestOverfitting.Partition(bars: returns[0].count, blocks: blocks)!
        let moments = returns.flatMap { series in series.withUnsafeBufferPointer { partition.moments(of: $0) } }
        return (moments, partition)
    }

    @Test("two blocks, two combinations, each good where the other is bad: the in-sample best always loses out of sample (PBO 1)")
    func alwaysOverfit() throws {
        let a = [0.02, 0.01, 0.03, 0.02, -0.01, -0.02, -0.015, -0.01]
        let b = [-0.01, -0.02, -0.015, -0.01, 0.02, 0.01, 0.03, 0.02]
        let (moments, partition) = Self.moments([a, b], blocks: 2)
        let result = try #require(try BacktestOverfitting.estimate(moments: moments, partition: partition))
        // Each split: the in-sample best ranks 1 of 2 out of sample: w = 1/3, λ = ln(1/2).
        #expect(result.splits == 2 && result.probability == 1 && result.probabilityOfLoss == 1)
        #expect(abs(result.medianLogit - log(0.5)) < 1e-15)
    }

    @Test("a combination better in every block stays best out of sample (PBO 0); leading T mod S bars are dropped")
    func neverOverfit() throws {
        let good = [9.0, 0.02, 0.01, 0.03, 0.015, 0.025, 0.02, 0.01, 0.03]
        let bad = [-9.0, -0.01, 0.0, -0.02, 0.005, -0.01, 0.0, -0.005, -0.01]
        let (moments, partition) = Self.moments([bad, good], blocks: 4)
        #expect(partition.droppedBars == 1 && partition.barsPerBlock == 2)
        let result = try #require(try BacktestOverfitting.estimate(moments: moments, partition: partition))
        // C(4, 2) = 6 splits; each time `good` ranks 2 of 2: w = 2/3, λ = ln 2 > 0.
        #expect(result.splits == 6 && result.probability == 0 && result.probabilityOfLoss == 0)
        #expect(abs(result.medianLogit - log(2.0)) < 1e-15)
    }

    @Test("a stop request ends the estimate within 128 splits of a thread, and a sweep asked to stop after its simulations")
    func stops() throws {
        var generator = SystemRandomNumberGenerator()
        let returns = (0..<50).map { _ in (0..<160).map { _ in Double.random(in: -0.02...0.02, using: &generator) } }
        let (moments, partition) = Self.moments(returns, blocks: 16)
        let asked = Atomic<Int>(0)
        #expect(throws: SweepCancelled.self) {
            try BacktestOverfitting.estimate(moments: moments, partition: partition) { asked.add(1, ordering: .relaxed).newValue < 3 }
        }
        #expect(asked.load(ordering: .relaxed) < 12_870 / 128, "it stopped before the end")

        let series = try PriceSeries(csv: String(contentsOfFile: Self.sample, encoding: .utf8))
        var request = SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 5...20, slowRange: 30...60, step: 5), minTrades: 10, barsPerYear: 252)
        request.overfittingBlocks = 16
        #expect(throws: SweepCancelled.self) { try Sweep.run(series, request) { done, total in done < total } }
        #expect(try Sweep.run(series, request).overfitting?.splits == 12_870)
    }

    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ZixlyDatasets/SampleData/GOOG.csv").path

    /// The definition, on the returns themselves: every split built from its blocks' bars, Sharpe by two passes.
    static func reference(_ returns: [[Double]], blocks: Int) -> Double {
        let bars = returns[0].count
        let size = bars / blocks
        let dropped = bars % blocks
        func sharpe(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
            return variance == 0 ? (mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity)) : mean / variance.squareRoot()
        }
        var overfit = 0
        var splits = 0
        for mask in 0..<(1 << blocks) where mask.nonzeroBitCount == blocks / 2 {
            splits += 1
            func bars(inSample: Bool) -> [Int] {
                var chosen: [Int] = []
                for block in 0..<blocks where ((mask >> block) & 1 == 1) == inSample {
                    let start: Int = dropped + block * size
                    chosen.append(contentsOf: start..<(start + size))
                }
                return chosen
            }
            let isBars = bars(inSample: true)
            let oosBars = bars(inSample: false)
            let inSample = returns.map { series in sharpe(isBars.map { series[$0] }) }
            let outOfSample = returns.map { series in sharpe(oosBars.map { series[$0] }) }
            let best = inSample.indices.max { inSample[$0] < inSample[$1] || (inSample[$0] == inSample[$1] && $0 > $1) }!
            let below = outOfSample.count(where: { $0 < outOfSample[best] })
            let equal = outOfSample.count(where: { $0 == outOfSample[best] })
            let w = (Double(below) + Double(equal + 1) / 2) / Double(returns.count + 1)
            if log(w / (1 - w)) <= 0 { overfit += 1 }
        }
        return Double(overfit) / Double(splits)
    }

    @Test(
        "random grids: the depth-first estimate on block moments equals the definition on the returns",
        arguments: [(6, 20, 4), (12, 103, 8), (9, 64, 6)])
    func matchesDefinition(combinations: Int, bars: Int, blocks: Int) throws {
        var generator = SplitMix(seed: UInt64(combinations * 1000 + bars))
        let returns = (0..<combinations).map { _ in (0..<bars).map { _ in Double(generator.next() % 2001) / 100_000 - 0.01 } }
        let (moments, partition) = Self.moments(returns, blocks: blocks)
        let result = try #require(try BacktestOverfitting.estimate(moments: moments, partition: partition))
        #expect(result.probability == Self.reference(returns, blocks: blocks))
    }

    @Test("a sweep asked for it reports PBO over its grid; too few bars for the blocks gives none")
    func inTheSweep() throws {
        let closes = (0..<400).map { bar -> Double in
            let t = Double(bar)
            return 100 + 6 * sin(t / 13) + 3 * sin(t / 5)
        }
        let series = try PriceSeries(dates: closes.indices.map { "d\($0)" }, closes: closes)
        var request = SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 2...10, slowRange: 12...30, step: 2), minTrades: 1)
        request.overfittingBlocks = 8
        let outcome = try Sweep.run(series, request)
        let overfitting = try #require(outcome.overfitting)
        #expect(overfitting.splits == 70 && overfitting.blocks == 8 && overfitting.barsPerBlock == 50 && overfitting.droppedBars == 0)
        #expect((0...1).contains(overfitting.probability))
        request.overfittingBlocks = 16
        let short = try PriceSeries(dates: ["a", "b", "c"], closes: [1, 2, 3])
        #expect(try Sweep.run(short, SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 1...1, slowRange: 2...2))).overfitting == nil)
    }
}

/// A small deterministic generator for the random cases.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
