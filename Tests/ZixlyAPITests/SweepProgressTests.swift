import Testing
import ZixlyCore

@testable import ZixlyPipelines

@Suite("A sweep's progress")
struct SweepProgressTests {
    @Test("the bar and its words agree: combinations while the grid runs, then what the last seconds wait for")
    func words() {
        let running = TradingSweepPipeline.sweepProgress(done: 11_968, of: 93_625, share: 98)
        #expect(running == JobProgress(percent: 12, message: "11968/93625 combinations"))
        let estimating = TradingSweepPipeline.sweepProgress(done: 93_625, of: 93_625, share: 98)
        #expect(estimating.percent == 98 && estimating.message == "93625 combinations swept; estimating the probability of backtest overfitting")
        #expect(TradingSweepPipeline.sweepProgress(done: 0, of: 0, share: 90).percent == 0)
    }
}
