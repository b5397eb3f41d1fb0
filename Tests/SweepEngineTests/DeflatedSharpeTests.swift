import Foundation
import Testing

@testable import SweepEngine

@Suite("Deflated Sharpe Ratio and sweep-level figures")
struct DeflatedSharpeTests {
    @Test("Φ and Φ⁻¹ match published values")
    func normal() {
        #expect(abs(DeflatedSharpe.normalCDF(1.96) - 0.9750021048517795) < 1e-15)
        #expect(abs(DeflatedSharpe.inverseNormalCDF(0.975) - 1.959963984540054) < 1e-13)
        #expect(abs(DeflatedSharpe.inverseNormalCDF(1e-10) - -6.361340902404056) < 1e-11)
        #expect(abs(DeflatedSharpe.inverseNormalCDF(0.5)) < 1e-15)
    }

    @Test("the paper's numerical example: 100 trials, 1,250 days, SR 2.5, V 0.5, skew −3, kurtosis 10 → DSR ≈ 0.9004")
    func paperExample() {
        // Bailey & López de Prado (2014), section 4: annualized figures with 250 days a year.
        let days = 250.0
        let threshold = DeflatedSharpe.expectedMaximumSharpe(trialCount: 100, trialVariance: 0.5 / days)
        #expect(abs(threshold * days.squareRoot() - 1.7899) < 1e-3, "SR₀ ≈ 0.1132 a day")
        let dsr = DeflatedSharpe.ratio(
            sharpe: 2.5 / days.squareRoot(), trialCount: 100, trialVariance: 0.5 / days, observations: 1250, skewness: -3, kurtosis: 10)
        #expect(abs(dsr - 0.9004) < 5e-4, "\(dsr)")
    }

    @Test("more trials deflate the same Sharpe more")
    func moreTrials() {
        func dsr(_ n: Int) -> Double {
            DeflatedSharpe.ratio(sharpe: 0.08, trialCount: n, trialVariance: 0.001, observations: 2000, skewness: 0, kurtosis: 3)
        }
        #expect(dsr(10) > dsr(100) && dsr(100) > dsr(10_000))
        #expect(DeflatedSharpe.moments([1, 2, 3, 4, 5]).skewness == 0)
        #expect(abs(DeflatedSharpe.moments([1, 2, 3, 4, 5]).kurtosis - 1.7) < 1e-12)
    }

    @Test("a sweep reports buy-and-hold, the share beating it, and the best combination's DSR")
    func sweepFigures() throws {
        let series = try SweepTests.goog()
        let outcome = try Sweep.run(
            series, SweepRequest(strategy: .sma, grid: SweepGrid(fastRange: 2...30, slowRange: 10...80, step: 2), minTrades: 10))
        let hold = (series.closes.last! / series.closes[0] - 1) * 100
        #expect(abs(outcome.buyAndHoldReturnPct - hold) < 1e-9)
        let beating = Double(outcome.results.filter { $0.totalReturnPct > hold }.count) / Double(outcome.totalCombinations)
        #expect(outcome.shareBeatingBuyAndHold == beating)
        #expect(outcome.deflatedSharpeRatio >= 0 && outcome.deflatedSharpeRatio <= 1)
    }
}
