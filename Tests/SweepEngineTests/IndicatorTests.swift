import Foundation
import Testing

@testable import SweepEngine

@Suite("Indicators and the crossover rule")
struct IndicatorTests {
    @Test("SMA is NaN before the window fills, then the mean of the last n closes")
    func sma() {
        let values = Indicators.sma([1, 2, 3, 4, 6], window: 2)
        #expect(values[0].isNaN)
        #expect(Array(values.dropFirst()) == [1.5, 2.5, 3.5, 5])
        #expect(Indicators.sma([1, 2], window: 3).allSatisfy { $0.isNaN })
    }

    @Test("EMA is seeded with the first close, alpha 2/(n+1), output from bar n-1")
    func ema() {
        let values = Indicators.ema([1, 2, 3], window: 2)
        #expect(values[0].isNaN)
        #expect(abs(values[1] - 5.0 / 3.0) < 1e-15)
        #expect(abs(values[2] - (1.0 / 3.0 * 5.0 / 3.0 + 2.0 / 3.0 * 3.0)) < 1e-15)
        let skipping = Indicators.ema([.nan, .nan, 4, 4, 7], window: 2)
        #expect(skipping[0].isNaN && skipping[1].isNaN && skipping[2].isNaN)
        #expect(skipping[3] == 4 && abs(skipping[4] - 6) < 1e-15)
    }

    @Test("a signal needs a strict dip first; a tie keeps the memory")
    func crossover() {
        func signals(_ a: [Double], _ b: [Double]) -> [Bool] {
            var detector = CrossoverDetector()
            return zip(a, b).map { detector.step($0, $1) }
        }
        // starts above: no signal until it has been below
        #expect(signals([2, 2, 1, 2], [1, 1, 1.5, 1.5]) == [false, false, false, true])
        // below → equal → above: one signal at "above"
        #expect(signals([1, 2, 3], [2, 2, 2]) == [false, false, true])
        // above → equal → above after a dip: a second signal after the tie
        #expect(signals([1, 3, 2, 3], [2, 2, 2, 2]) == [false, true, false, true])
        // NaN resets the memory
        #expect(signals([1, .nan, 3], [2, 2, 2]) == [false, false, false])
    }
}
