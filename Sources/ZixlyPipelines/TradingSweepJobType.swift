import SweepEngine
public import ZixlyCore
import ZixlyDatasets
public import ZixlyQueue
public import ZixlySweeps

/// `trading-sweep` as a job type: its request is `TradingSweepParameters` on a dataset of the
/// tenant's, its handler the `TradingSweepPipeline`, its results a ranked sweep.
public struct TradingSweepJobType: JobType, SweepCurves {
    public let pipeline: TradingSweepPipeline
    /// The datasets result pages last replayed combinations on, parsed, by their bytes' SHA-256.
    private let replayedSeries: RecentLoads<String, PriceSeries>

    /// - Parameter replayCapacity: how many parsed datasets result pages keep (0 keeps none).
    public init(pipeline: TradingSweepPipeline, replayCapacity: Int = 2) {
        self.pipeline = pipeline
        replayedSeries = RecentLoads(capacity: replayCapacity)
    }

    public var name: String { TradingSweepPipeline.jobType }
    public var presentation: ResultPresentation { .sweep }
    public var handler: any JobHandler { pipeline }

    /// The form of every field, then (for the built-in engine) that the tenant has the dataset.
    public func accept(_ body: JSONValue, tenant: String) async throws -> AcceptedJob {
        let parameters = try TradingSweepParameters(validating: body, externalConfigured: pipeline.external != nil)
        if let universe = parameters.universe {
            return try await accept(parameters, universe: universe, tenant: tenant)
        }
        if parameters.executor == .builtin {
            let dataset: DatasetVersion
            do {
                dataset = try await pipeline.dataset(for: parameters, tenant: tenant)
            } catch let missing as MissingDataset {
                throw ValidationErrors(fields: [missing.version == nil ? "ticker" : "dataset_version": missing.description])
            }
            if let plan = parameters.walkForward { try Self.check(plan, on: dataset) }
        }
        let version = parameters.datasetVersion.map { " v\($0)" } ?? ""
        return AcceptedJob(
            parameters: parameters.json,
            description:
                "\(parameters.grid.combinationCount) combinations of \(parameters.strategy.rawValue.uppercased()) on \(parameters.ticker)\(version)")
    }

    /// A sweep of many tickers: each must have data; its description counts them.
    private func accept(_ parameters: TradingSweepParameters, universe: TickerUniverse, tenant: String) async throws -> AcceptedJob {
        let available = Dictionary(try await pipeline.datasets.latest(tenant: tenant).map { ($0.ticker, $0) }, uniquingKeysWith: { a, _ in a })
        let missing = universe.tickers.filter { available[$0] == nil }
        if !missing.isEmpty {
            throw ValidationErrors(fields: [
                "tickers":
                    "no market data for \(missing.prefix(10).joined(separator: ", "))\(missing.count > 10 ? ", …" : "") (\(missing.count) of \(universe.tickers.count)); upload them first"
            ])
        }
        if let plan = parameters.walkForward {
            for ticker in universe.tickers { try Self.check(plan, on: available[ticker]!) }
        }
        return AcceptedJob(
            parameters: parameters.json,
            description:
                "\(parameters.grid.combinationCount) combinations of \(parameters.strategy.rawValue.uppercased()) on each of \(universe.tickers.count) tickers"
        )
    }

    /// A walk-forward plan leaves at least one fold, and at most the limit, on the dataset's bars.
    private static func check(_ plan: WalkForwardPlan, on dataset: DatasetVersion) throws(ValidationErrors) {
        let folds = plan.folds(bars: dataset.bars).count
        if folds == 0 {
            throw ValidationErrors(fields: [
                "walk_forward":
                    "\(dataset.ticker) v\(dataset.version) has \(dataset.bars) bars: none is left to test after \(plan.trainBars) training bars"
            ])
        }
        if folds > TradingSweepParameters.maximumFolds {
            throw ValidationErrors(fields: [
                "walk_forward":
                    "\(folds) folds on \(dataset.bars) bars of \(dataset.ticker); at most \(TradingSweepParameters.maximumFolds) (make test_bars larger)"
            ])
        }
    }

    /// Simulated again on the dataset version the job ran on (its result names it).
    public func equityCurve(of job: Job, fast: Int, slow: Int) async -> EquityCurve? {
        guard let parameters = try? TradingSweepParameters(validating: job.parameters, externalConfigured: true), parameters.executor == .builtin,
            parameters.universe == nil
        else { return nil }
        let ranOn = job.resultSummary?["dataset"]?["version"]?.intValue ?? parameters.datasetVersion
        let datasets = pipeline.datasets
        guard let dataset = try? await datasets.resolve(parameters.ticker, version: ranOn, tenant: job.tenant),
            let series = try? await replayedSeries.value(for: dataset.sha256, load: { try await datasets.series(of: dataset) })
        else { return nil }
        let replay = Sweep.replay(series, strategy: parameters.strategy, fast: fast, slow: slow, costs: parameters.costs)
        return EquityCurve(dates: series.dates, strategy: replay.values, buyAndHold: Sweep.buyAndHoldCurve(series), trades: replay.trades)
    }
}
