import Dispatch
import Foundation
import Logging
public import Metrics
import SweepEngine
public import Tracing
public import ZixlyCore
public import ZixlyDatasets
public import ZixlyQueue
public import ZixlySweeps

/// The `trading-sweep` job: load the ticker's prices, sweep the grid, store the rows in
/// `trading_sweep_results` and the full JSON at `results/{jobId}/{sweepRunId}.json`.
public struct TradingSweepPipeline: JobHandler {
    public static let jobType = "trading-sweep"
    public var jobType: String { Self.jobType }

    let marketData: MarketDataDirectory
    let results: any SweepResultStore
    let artifacts: any ArtifactStore
    let clock: any WallClock
    /// Sweep threads per job; 0 = one per core.
    let threads: Int
    /// Runs sweeps that ask for `executor: "external"`; nil when no trading API is configured.
    let external: ExternalSweepExecutor?
    /// Where sweeps are counted and timed.
    let metrics: any MetricsFactory
    /// Where the load, sweep and storage spans go (children of the job's span).
    let tracer: any Tracer

    public init(
        marketData: MarketDataDirectory, results: any SweepResultStore, artifacts: any ArtifactStore,
        clock: any WallClock = SystemWallClock(), threads: Int = 0, external: ExternalSweepExecutor? = nil,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, tracer: any Tracer = NoOpTracer()
    ) {
        self.tracer = tracer
        self.external = external
        self.metrics = metrics
        for strategy in Strategy.allCases {
            Counter(label: MetricNames.sweepCombinations, dimensions: [("strategy", strategy.rawValue)], factory: metrics).increment(by: 0)
            _ = Metrics.Timer(label: MetricNames.sweepDuration, dimensions: [("strategy", strategy.rawValue)], factory: metrics)
        }
        self.marketData = marketData
        self.results = results
        self.artifacts = artifacts
        self.clock = clock
        self.threads = threads
    }

    public func run(_ job: Job, context: JobContext) async throws -> JSONValue {
        let parameters = try validated(job)
        if parameters.executor == .external, let external {
            return try await external.run(job, parameters: parameters, context: context)
        }
        let series: PriceSeries = try await tracer.withSpan("sweep.load_data") { span in
            span.attributes["zixly.ticker"] = parameters.ticker
            do {
                return try await marketData.loadSeries(for: parameters.ticker)
            } catch {
                throw JobFailure(message: "\(error)", isRetryable: false)
            }
        }
        context.report(JobProgress(percent: 0, message: "sweeping \(parameters.grid.combinationCount) combinations"))
        let started = ContinuousClock.now
        let outcome = try await tracer.withSpan("sweep.compute") { span in
            span.attributes["zixly.strategy"] = parameters.strategy.rawValue
            span.attributes["zixly.combinations"] = parameters.grid.combinationCount
            span.attributes["zixly.bars"] = series.count
            return try await sweep(series, parameters, context: context)
        }
        let elapsed = started.duration(to: .now)
        let seconds = elapsed.inSeconds
        let strategy = [("strategy", parameters.strategy.rawValue)]
        Counter(label: MetricNames.sweepCombinations, dimensions: strategy, factory: metrics).increment(by: outcome.totalCombinations)
        Metrics.Timer(label: MetricNames.sweepDuration, dimensions: strategy, factory: metrics).record(duration: elapsed)
        try context.checkpoint()

        context.report(JobProgress(percent: 99, message: "storing results"))
        let sweepRunID = UUID().uuidString.lowercased()
        let run = SweepRun(
            sweepRunID: sweepRunID, jobID: job.id, ticker: parameters.ticker, strategy: parameters.strategy,
            totalCombinations: outcome.totalCombinations, rankedCombinations: outcome.rankedCombinations,
            executionTimeSeconds: seconds, artifactKey: SweepRun.artifactKey(jobID: job.id, sweepRunID: sweepRunID),
            createdAt: clock.now(), statistics: SweepStatistics(rows: outcome.results))
        let report = SweepReport(run: run, parameters: parameters, series: series, outcome: outcome)
        try await tracer.withSpan("storage.artifact.put", ofKind: .client) { span in
            span.attributes["zixly.artifact_key"] = run.artifactKey
            try await artifacts.put(report.json.jsonData(), at: run.artifactKey, contentType: "application/json")
        }
        let saved = try await tracer.withSpan("storage.results.save", ofKind: .client) { span in
            span.attributes["zixly.rows"] = outcome.results.count
            return try await results.save(run, rows: outcome.results, under: context.lease)
        }
        guard saved else { throw JobStopped() }
        return report.summary
    }

    /// The job's parameters, checked again (the data or the configuration may have changed since
    /// the job was accepted); a problem fails the job without a retry.
    func validated(_ job: Job) throws(JobFailure) -> TradingSweepParameters {
        do throws(ValidationErrors) {
            return try TradingSweepParameters(
                validating: job.parameters, hasData: marketData.hasData(for:), available: marketData.availableTickers(),
                externalConfigured: external != nil)
        } catch {
            throw JobFailure(message: "\(error)", isRetryable: false)
        }
    }

    /// Runs the CPU-bound sweep on Dispatch's threads, off Swift's cooperative pool, so
    /// heartbeats and HTTP keep running; progress goes to the job, and a stop request ends it.
    private func sweep(_ series: PriceSeries, _ parameters: TradingSweepParameters, context: JobContext) async throws -> SweepOutcome {
        let request = SweepRequest(
            strategy: parameters.strategy, grid: parameters.grid, costs: parameters.costs,
            minTrades: parameters.minTrades, threads: threads)
        let result: Result<SweepOutcome, SweepCancelled> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(SweepCancelled) {
                    let outcome = try Sweep.run(series, request) { done, total in
                        context.report(JobProgress(percent: min(98, done * 98 / max(1, total)), message: "\(done)/\(total) combinations"))
                        return !context.shouldStop
                    }
                    continuation.resume(returning: .success(outcome))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        do {
            return try result.get()
        } catch {
            throw JobStopped()
        }
    }
}

extension JSONValue {
    func jsonData() -> Data { Data(jsonText().utf8) }
}
