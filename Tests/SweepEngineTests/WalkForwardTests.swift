import Foundation
import Testing

@testable import SweepEngine

@Suite("Walk-forward validation")
struct WalkForwardTests {
    static func series(_ count: Int) throws -> PriceSeries {
        let closes: [Double] = (0..<count).map { (bar: Int) -> Double in
            let t = Double(bar)
            return 100 + 9 * sin(t / 17) + 4 * sin(t / 6) + t / 30
        }
        return try PriceSeries(dates: closes.indices.map { "d\($0)" }, closes: closes)
    }

    @Test(
        "folds: rolling windows train on the bars just before their test window; anchored ones on every bar since the start; the last test may be short"
    )
    func folds() {
        let rolling = WalkForwardPlan(trainBars: 100, testBars: 50).folds(bars: 330)
        #expect(rolling.map(\.test) == [100..<150, 150..<200, 200..<250, 250..<300, 300..<330])
        #expect(rolling.map(\.train) == [0..<100, 50..<150, 100..<200, 150..<250, 200..<300])
        let anchored = WalkForwardPlan(trainBars: 100, testBars: 50, anchored: true).folds(bars: 330)
        #expect(anchored.map(\.train) == [0..<100, 0..<150, 0..<200, 0..<250, 0..<300])
        #expect(WalkForwardPlan(trainBars: 400, testBars: 50).folds(bars: 330).isEmpty)
    }

    @Test("each fold chooses what a plain sweep of its training rows alone ranks best, and trades only in its test window, from cash")
    func foldsMatchPlainSweeps() throws {
        let series = try Self.series(700)
        let request = SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 3...15, slowRange: 20...60, step: 4), minTrades: 2)
        let outcome = try WalkForward.run(series, request, plan: WalkForwardPlan(trainBars: 250, testBars: 90))
        #expect(outcome.folds.count == 5)
        for fold in outcome.folds {
            let plain = try Sweep.run(series.slice(fold.train), request)
            #expect(fold.chosen == plain.best, "fold \(fold.test)")
            let chosen = try #require(fold.chosen)
            let whole = Sweep.equityCurve(
                series.slice(fold.train.lowerBound..<fold.test.upperBound), strategy: .sma, fast: chosen.fastPeriod, slow: chosen.slowPeriod,
                tradingFrom: fold.train.count)
            #expect(whole[..<fold.train.count].allSatisfy { $0 == 100 }, "no position before the test window")
            #expect(Array(whole[fold.train.count...]) == fold.equity && fold.equity.count == fold.test.count)
            #expect(abs(fold.outOfSample.totalReturnPct - (fold.equity.last! / 100 - 1) * 100) < 1e-12)
        }
        #expect(outcome.outOfSample == 250..<700 && outcome.outOfSampleCurve.count == 450 && outcome.buyAndHoldCurve.count == 450)
        // Stitched: each fold continues from the last one's end.
        var level = 100.0
        var start = 0
        for fold in outcome.folds {
            #expect(abs(outcome.outOfSampleCurve[start] - level * fold.equity[0] / 100) < 1e-9)
            start += fold.equity.count
            level = outcome.outOfSampleCurve[start - 1]
        }
        #expect(abs(outcome.buyAndHoldCurve[0] - 100 * series.closes[250] / series.closes[249]) < 1e-12)
        #expect(outcome.distinctChoices >= 1 && outcome.mostChosenShare > 0 && outcome.efficiency.isFinite)
    }

    @Test("a crossover that happened during training does not carry a position into the test window")
    func startsFlat() throws {
        // Falling, then rising from bar 20 (fast crosses above slow during training), flat from bar 80:
        // no new crossover in the test window.
        let closes: [Double] = (0..<120).map { (bar: Int) -> Double in
            bar < 20 ? 120 - Double(bar) : (bar < 80 ? 100 + Double(bar - 20) : 160)
        }
        let series = try PriceSeries(dates: closes.indices.map { "d\($0)" }, closes: closes)
        let values = Sweep.equityCurve(series, strategy: .sma, fast: 2, slow: 5, tradingFrom: 80)
        #expect(values.allSatisfy { $0 == 100 })
        let traded = Sweep.equityCurve(series, strategy: .sma, fast: 2, slow: 5)
        #expect(traded[79] > 100, "the same combination from the start was in the market")
    }
}
