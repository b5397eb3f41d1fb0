import SweepEngine
public import ZixlyCore
import ZixlyDatasets
public import ZixlyQueue
public import ZixlySweeps

/// `trading-sweep` as a job type: its request is `TradingSweepParameters`, its handler the
/// `TradingSweepPipeline`, its results a ranked sweep.
public struct TradingSweepJobType: JobType, SweepCurves {
    public let pipeline: TradingSweepPipeline

    public init(pipeline: TradingSweepPipeline) {
        self.pipeline = pipeline
    }

    public var name: String { TradingSweepPipeline.jobType }
    public var presentation: ResultPresentation { .sweep }
    public var handler: any JobHandler { pipeline }

    public func accept(_ body: JSONValue, tenant: String) async throws(ValidationErrors) -> AcceptedJob {
        let marketData = pipeline.marketData
        let parameters = try TradingSweepParameters(
            validating: body, hasData: marketData.hasData(for:), available: marketData.availableTickers(),
            externalConfigured: pipeline.external != nil)
        return AcceptedJob(
            parameters: parameters.json,
            description:
                "\(parameters.grid.combinationCount) combinations of \(parameters.strategy.rawValue.uppercased()) on \(parameters.ticker)"
        )
    }

    public func equityCurve(of job: Job, fast: Int, slow: Int) async -> EquityCurve? {
        let marketData = pipeline.marketData
        guard
            let parameters = try? TradingSweepParameters(
                validating: job.parameters, hasData: marketData.hasData(for:), available: [], externalConfigured: true),
            parameters.executor == .builtin,
            let series = try? await marketData.loadSeries(for: parameters.ticker)
        else { return nil }
        return EquityCurve(
            dates: series.dates, strategy: Sweep.equityCurve(series, strategy: parameters.strategy, fast: fast, slow: slow, costs: parameters.costs),
            buyAndHold: Sweep.buyAndHoldCurve(series))
    }
}
