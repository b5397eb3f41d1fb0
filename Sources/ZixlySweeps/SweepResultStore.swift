public import Foundation
public import SweepEngine
public import ZixlyCore

/// One execution of a trading sweep (a job has one per successful attempt).
public struct SweepRun: Sendable, Equatable, Codable {
    public var sweepRunID: String
    public var jobID: JobID
    public var ticker: String
    public var strategy: Strategy
    public var totalCombinations: Int
    public var rankedCombinations: Int
    public var executionTimeSeconds: Double
    /// Where the full result JSON is in the artifact store.
    public var artifactKey: String
    public var createdAt: Date
    /// Summary figures over the run's rows, computed once when they are written (nil for runs
    /// stored before they were kept).
    public var statistics: SweepStatistics?

    public init(
        sweepRunID: String, jobID: JobID, ticker: String, strategy: Strategy, totalCombinations: Int,
        rankedCombinations: Int, executionTimeSeconds: Double, artifactKey: String, createdAt: Date, statistics: SweepStatistics? = nil
    ) {
        self.statistics = statistics
        self.sweepRunID = sweepRunID
        self.jobID = jobID
        self.ticker = ticker
        self.strategy = strategy
        self.totalCombinations = totalCombinations
        self.rankedCombinations = rankedCombinations
        self.executionTimeSeconds = executionTimeSeconds
        self.artifactKey = artifactKey
        self.createdAt = createdAt
    }

    /// `results/{jobId}/{sweepRunId}.json`
    public static func artifactKey(jobID: JobID, sweepRunID: String) -> String {
        "results/\(jobID.rawValue)/\(sweepRunID).json"
    }

    /// `results/{jobId}/{sweepRunId}-walk-forward.json`: the folds and the out-of-sample curve.
    public static func walkForwardKey(jobID: JobID, sweepRunID: String) -> String {
        "results/\(jobID.rawValue)/\(sweepRunID)-walk-forward.json"
    }
}

/// Result columns a listing can sort by (the API's `sort_by`).
public enum SweepSortKey: String, Sendable, CaseIterable {
    case score
    case sharpeRatio = "sharpe_ratio"
    case sortinoRatio = "sortino_ratio"
    case totalReturnPct = "total_return_pct"
    case annualizedReturn = "annualized_return"
    case maxDrawdownPct = "max_drawdown_pct"
    case winRatePct = "win_rate_pct"
    case profitFactor = "profit_factor"
    case totalTrades = "total_trades"
    case tradesPerMonth = "trades_per_month"
    case avgTradeDuration = "avg_trade_duration"
    case fastPeriod = "fast_period"
    case slowPeriod = "slow_period"

    /// Best first: descending, except drawdown (lowest is best) and the periods (in order).
    public var sortsDescendingByDefault: Bool { self != .maxDrawdownPct && self != .fastPeriod && self != .slowPeriod }
}

/// Rows of `trading_sweep_results`, written by the worker that holds the job's lease.
public protocol SweepResultStore: Sendable {
    /// Stores the run and its rows in one transaction if `lease` still holds; returns false and
    /// writes nothing otherwise. Rows of earlier runs of the same job are replaced.
    func save(_ run: SweepRun, rows: [CombinationMetrics], under lease: Lease) async throws -> Bool
    /// The newest run of a job, if any.
    func latestRun(for job: JobID) async throws -> SweepRun?
    /// Rows of the job's newest run, at most `limit`, read through an index on the sort column:
    /// a page costs the same however many rows the run has. NaN sorts last in either order; ties
    /// by fast, then slow period, in the sort's direction.
    func rows(for job: JobID, sortBy: SweepSortKey, descending: Bool, limit: Int?, offset: Int, rankedOnly: Bool) async throws
        -> [CombinationMetrics]
    /// Some metrics of every row of the job's newest run, with its (fast, slow) cell, in one read:
    /// what a heatmap (one metric) or a ranking across tickers (three) is built from. `values` follow
    /// `metrics`' order, NaN where a metric is not a number.
    func grid(for job: JobID, metrics: [SweepSortKey]) async throws -> [GridRow]
    /// One combination's row of the job's newest run, through the primary key; nil when the run
    /// has no such combination.
    func row(for job: JobID, fast: Int, slow: Int) async throws -> CombinationMetrics?
}

/// One combination's values of some metrics.
public struct GridRow: Sendable, Equatable {
    public var fastPeriod: Int
    public var slowPeriod: Int
    public var values: [Double]
    /// False when the combination made too few trades to be ranked.
    public var isRanked: Bool

    public init(fastPeriod: Int, slowPeriod: Int, values: [Double], isRanked: Bool = true) {
        (self.fastPeriod, self.slowPeriod, self.values, self.isRanked) = (fastPeriod, slowPeriod, values, isRanked)
    }
}

/// One combination's value of one metric.
public struct GridValue: Sendable, Equatable {
    public var fastPeriod: Int
    public var slowPeriod: Int
    public var value: Double
    /// False when the combination made too few trades to be ranked.
    public var isRanked: Bool

    public init(fastPeriod: Int, slowPeriod: Int, value: Double, isRanked: Bool = true) {
        (self.fastPeriod, self.slowPeriod, self.value, self.isRanked) = (fastPeriod, slowPeriod, value, isRanked)
    }
}

extension SweepResultStore {
    /// One metric of every row of the job's newest run, with its (fast, slow) cell: what a
    /// heatmap is drawn from (NaN where the metric is not a number).
    public func grid(for job: JobID, metric: SweepSortKey) async throws -> [GridValue] {
        try await grid(for: job, metrics: [metric]).map {
            GridValue(fastPeriod: $0.fastPeriod, slowPeriod: $0.slowPeriod, value: $0.values[0], isRanked: $0.isRanked)
        }
    }

    /// The first page of rows (`rows(…offset: 0…)`).
    public func rows(for job: JobID, sortBy: SweepSortKey, descending: Bool, limit: Int?, rankedOnly: Bool) async throws
        -> [CombinationMetrics]
    {
        try await rows(for: job, sortBy: sortBy, descending: descending, limit: limit, offset: 0, rankedOnly: rankedOnly)
    }

    /// The run's statistics as stored when it was written; for a run stored before they were
    /// kept (before migration 0008 on SQLite, 0009 on PostgreSQL), computed from every row.
    public func statistics(of run: SweepRun) async throws -> SweepStatistics {
        if let statistics = run.statistics { return statistics }
        return SweepStatistics(rows: try await rows(for: run.jobID, sortBy: .score, descending: true, limit: nil, rankedOnly: false))
    }
}
