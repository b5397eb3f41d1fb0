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

/// The `trading-sweep` job: load the prices of the dataset version it names (or the newest of
/// its tenant's), sweep the grid, store the rows in
/// `trading_sweep_results` and the full JSON at `results/{jobId}/{sweepRunId}.json`.
public struct TradingSweepPipeline: JobHandler {
    public static let jobType = "trading-sweep"
    public var jobType: String { Self.jobType }

    let datasets: Datasets
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
    /// Runs the parents of sweeps of many tickers; nil where the pipeline has no job store (they fail).
    let universe: UniverseSweep?

    public init(
        datasets: Datasets, results: any SweepResultStore, artifacts: any ArtifactStore,
        clock: any WallClock = SystemWallClock(), threads: Int = 0, external: ExternalSweepExecutor? = nil,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, tracer: any Tracer = NoOpTracer(), universe: UniverseSweep? = nil
    ) {
        self.universe = universe
        self.tracer = tracer
        self.external = external
        self.metrics = metrics
        for strategy in Strategy.allCases {
            Counter(label: MetricNames.sweepCombinations, dimensions: [("strategy", strategy.rawValue)], factory: metrics).increment(by: 0)
            _ = Metrics.Timer(label: MetricNames.sweepDuration, dimensions: [("strategy", strategy.rawValue)], factory: metrics)
        }
        self.datasets = datasets
        self.results = results
        self.artifacts = artifacts
        self.clock = clock
        self.threads = threads
    }

    public func run(_ job: Job, context: JobContext) async throws -> JSONValue {
        let parameters = try validated(job)
        if let tickers = parameters.universe {
            guard let universe else { throw JobFailure(message: "this worker cannot run sweeps of many tickers", isRetryable: false) }
            return try await universe.run(job, parameters, universe: tickers, context: context)
        }
        if parameters.executor == .external, let external {
            return try await external.run(job, parameters: parameters, context: context)
        }
        let loaded: (DatasetVersion, PriceSeries) = try await tracer.withSpan("sweep.load_data") { span in
            span.attributes["zixly.ticker"] = parameters.ticker
            do {
                let resolved = try await self.dataset(for: parameters, tenant: job.tenant)
                span.attributes["zixly.dataset_version"] = resolved.version
                return (resolved, try await datasets.series(of: resolved))
            } catch let missing as MissingDataset {
                throw JobFailure(message: "ticker: \(missing)", isRetryable: false)
            } catch let error as MarketDataError {
                throw JobFailure(message: "\(error)", isRetryable: false)
            }
        }
        let (dataset, series) = loaded
        context.report(JobProgress(percent: 0, message: "sweeping \(parameters.grid.combinationCount) combinations"))
        let started = ContinuousClock.now
        let outcome = try await tracer.withSpan("sweep.compute") { span in
            span.attributes["zixly.strategy"] = parameters.strategy.rawValue
            span.attributes["zixly.combinations"] = parameters.grid.combinationCount
            span.attributes["zixly.bars"] = series.count
            return try await sweep(series, parameters, barsPerYear: parameters.barsPerYear ?? dataset.barsPerYear, context: context)
        }
        let elapsed = started.duration(to: .now)
        let seconds = elapsed.inSeconds
        let strategy = [("strategy", parameters.strategy.rawValue)]
        Counter(label: MetricNames.sweepCombinations, dimensions: strategy, factory: metrics).increment(by: outcome.totalCombinations)
        Metrics.Timer(label: MetricNames.sweepDuration, dimensions: strategy, factory: metrics).record(duration: elapsed)
        try context.checkpoint()
        let barsPerYear = parameters.barsPerYear ?? dataset.barsPerYear
        var walkForward: WalkForwardOutcome?
        if let plan = parameters.walkForward {
            walkForward = try await tracer.withSpan("sweep.walk_forward") { span in
                span.attributes["zixly.folds"] = plan.folds(bars: series.count).count
                return try await self.walkForward(series, parameters, plan: plan, barsPerYear: barsPerYear, context: context)
            }
        }

        context.report(JobProgress(percent: 99, message: "storing results"))
        let sweepRunID = UUID().uuidString.lowercased()
        let run = SweepRun(
            sweepRunID: sweepRunID, jobID: job.id, ticker: parameters.ticker, strategy: parameters.strategy,
            totalCombinations: outcome.totalCombinations, rankedCombinations: outcome.rankedCombinations,
            executionTimeSeconds: seconds, artifactKey: SweepRun.artifactKey(jobID: job.id, sweepRunID: sweepRunID),
            createdAt: clock.now(), statistics: SweepStatistics(rows: outcome.results))
        let report = SweepReport(run: run, parameters: parameters, dataset: dataset, series: series, outcome: outcome)
        try await tracer.withSpan("storage.artifact.put", ofKind: .client) { span in
            span.attributes["zixly.artifact_key"] = run.artifactKey
            try await artifacts.put(report.json.jsonData(), at: run.artifactKey, contentType: "application/json")
        }
        var summary = report.summary
        if let walkForward, let plan = parameters.walkForward {
            let key = SweepRun.walkForwardKey(jobID: job.id, sweepRunID: sweepRunID)
            try await artifacts.put(walkForward.json(series: series, plan: plan).jsonData(), at: key, contentType: "application/json")
            summary = summary.merging(["walk_forward": walkForward.summaryJSON(plan: plan).merging(["artifact_key": .string(key)])])
        }
        let saved = try await tracer.withSpan("storage.results.save", ofKind: .client) { span in
            span.attributes["zixly.rows"] = outcome.results.count
            return try await results.save(run, rows: outcome.results, under: context.lease)
        }
        guard saved else { throw JobStopped() }
        return summary
    }

    /// The job's parameters, checked again (the configuration may have changed since the job was
    /// accepted); a problem fails the job without a retry.
    func validated(_ job: Job) throws(JobFailure) -> TradingSweepParameters {
        do throws(ValidationErrors) {
            return try TradingSweepParameters(validating: job.parameters, externalConfigured: external != nil)
        } catch {
            throw JobFailure(message: "\(error)", isRetryable: false)
        }
    }

    /// The dataset version the sweep names, or the newest of its tenant's.
    /// - Throws: `MissingDataset` when there is none (the job fails without a retry).
    func dataset(for parameters: TradingSweepParameters, tenant: String) async throws -> DatasetVersion {
        guard let dataset = try await datasets.resolve(parameters.ticker, version: parameters.datasetVersion, tenant: tenant) else {
            throw MissingDataset(
                ticker: parameters.ticker, version: parameters.datasetVersion, available: try await datasets.latest(tenant: tenant).map(\.ticker))
        }
        return dataset
    }

    /// The walk-forward validation on one of Dispatch's threads, fold by fold; progress from 90%,
    /// and a stop request ends it.
    private func walkForward(
        _ series: PriceSeries, _ parameters: TradingSweepParameters, plan: WalkForwardPlan, barsPerYear: Double, context: JobContext
    ) async throws(JobStopped) -> WalkForwardOutcome {
        let request = SweepRequest(
            strategy: parameters.strategy, grid: parameters.grid, costs: parameters.costs, minTrades: parameters.minTrades, threads: threads,
            barsPerYear: barsPerYear)
        do throws(SweepCancelled) {
            return try await DispatchWork.run { () throws(SweepCancelled) in
                try WalkForward.run(series, request, plan: plan) { done, total in
                    context.report(JobProgress(percent: 90 + done * 8 / max(1, total), message: "walk-forward fold \(done)/\(total)"))
                    return !context.shouldStop
                }
            }
        } catch {
            throw JobStopped()
        }
    }

    /// The grid's share of the job's progress bar, `share`% at its end. After the grid the engine
    /// estimates overfitting (CSCV: seconds on a large grid), asking again with done == total, so
    /// the message then says what the bar waits for.
    static func sweepProgress(done: Int, of total: Int, share: Int) -> JobProgress {
        let message =
            done < total ? "\(done)/\(total) combinations" : "\(total) combinations swept; estimating the probability of backtest overfitting"
        return JobProgress(percent: min(share, done * share / max(1, total)), message: message)
    }

    /// Runs the CPU-bound sweep on Dispatch's threads, off Swift's cooperative pool, so
    /// heartbeats and HTTP keep running; progress goes to the job, and a stop request ends it.
    private func sweep(_ series: PriceSeries, _ parameters: TradingSweepParameters, barsPerYear: Double, context: JobContext)
        async throws(JobStopped) -> SweepOutcome
    {
        var asked = SweepRequest(
            strategy: parameters.strategy, grid: parameters.grid, costs: parameters.costs,
            minTrades: parameters.minTrades, threads: threads, barsPerYear: barsPerYear)
        asked.overfittingBlocks = parameters.pboBlocks ?? BacktestOverfitting.defaultBlocks
        let request = asked
        let share = parameters.walkForward == nil ? 98 : 90
        do throws(SweepCancelled) {
            return try await DispatchWork.run { () throws(SweepCancelled) in
                try Sweep.run(series, request) { done, total in
                    context.report(Self.sweepProgress(done: done, of: total, share: share))
                    return !context.shouldStop
                }
            }
        } catch {
            throw JobStopped()
        }
    }
}

/// A sweep named a ticker (or a version of it) its tenant has no data for.
struct MissingDataset: Error, CustomStringConvertible {
    var ticker: String
    var version: Int?
    var available: [String]
    var description: String {
        let version = version.map { " version \($0)" } ?? ""
        return "no market data for '\(ticker)'\(version); available: \(available.joined(separator: ", "))"
    }
}

extension JSONValue {
    func jsonData() -> Data { Data(jsonText().utf8) }
}
