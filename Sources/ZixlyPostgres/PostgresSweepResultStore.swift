import Foundation
import Logging
import PostgresNIO
public import SweepEngine
public import ZixlyCore
public import ZixlySweeps

/// `sweep_runs` and `trading_sweep_results` in PostgreSQL.
public struct PostgresSweepResultStore: SweepResultStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    public init(database: PostgresDatabase) {
        self.database = database
    }

    /// Rows per message of the COPY.
    static let batchSize = 1000

    public func save(_ run: SweepRun, rows: [CombinationMetrics], under lease: Lease) async throws -> Bool {
        try await database.run {
            try await database.client.withTransaction(logger: logger) { connection -> Bool in
                let holding = try await connection.query(
                    """
                    SELECT 1 FROM jobs WHERE id = \(lease.jobID.rawValue)
                      AND lease_owner = \(lease.worker.rawValue) AND attempt = \(lease.attempt) FOR UPDATE
                    """, logger: logger)
                var holds = false
                for try await _ in holding { holds = true }
                guard holds else { return false }
                try await connection.query("DELETE FROM sweep_runs WHERE job_id = \(run.jobID.rawValue)", logger: logger)
                try await connection.query(
                    """
                    INSERT INTO sweep_runs (sweep_run_id, job_id, ticker, strategy, total_combinations, ranked_combinations,
                                            execution_time_seconds, artifact_key, created_at, statistics)
                    VALUES (\(run.sweepRunID), \(run.jobID.rawValue), \(run.ticker), \(run.strategy.rawValue), \(run.totalCombinations),
                            \(run.rankedCombinations), \(run.executionTimeSeconds), \(run.artifactKey), \(run.createdAt),
                            \(run.statistics.map(SweepStatistics.stored)))
                    """, logger: logger)
                try await connection.copyFrom(table: "trading_sweep_results", columns: Self.columns, logger: logger) { writer in
                    for start in stride(from: 0, to: rows.count, by: Self.batchSize) {
                        try await writer.write(Self.copyText(rows[start..<min(rows.count, start + Self.batchSize)], run: run))
                    }
                }
                return true
            }
        }
    }

    /// The columns of `trading_sweep_results`, in the order `copyText` writes them.
    static let columns = [
        "sweep_run_id", "job_id", "fast_period", "slow_period", "score", "sharpe_ratio", "sortino_ratio", "total_return_pct",
        "annualized_return", "max_drawdown_pct", "win_rate_pct", "profit_factor", "total_trades", "closed_trades", "trades_per_month",
        "avg_trade_duration", "is_ranked",
    ]

    /// Rows in COPY's text format: tab-separated, `\N` for NaN (stored as NULL), each number in the
    /// shortest text that reads back as the same double. The two ids are a UUID and a job id, which
    /// hold no tab, newline or backslash.
    static func copyText(_ rows: ArraySlice<CombinationMetrics>, run: SweepRun) -> ByteBuffer {
        func real(_ value: Double) -> String {
            if value.isNaN { return "\\N" }
            if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
            return value.description
        }
        let ids = "\(run.sweepRunID)\t\(run.jobID.rawValue)\t"
        var buffer = ByteBuffer()
        buffer.reserveCapacity(rows.count * 200)
        for row in rows {
            let fields = [
                "\(row.fastPeriod)", "\(row.slowPeriod)", real(row.score), real(row.sharpeRatio), real(row.sortinoRatio), real(row.totalReturnPct),
                real(row.annualizedReturn), real(row.maxDrawdownPct), real(row.winRatePct), real(row.profitFactor), "\(row.totalTrades)",
                "\(row.closedTrades)", real(row.tradesPerMonth), real(row.avgTradeDuration), row.isRanked ? "t" : "f",
            ]
            buffer.writeString(ids)
            buffer.writeString(fields.joined(separator: "\t"))
            buffer.writeString("\n")
        }
        return buffer
    }

    public func latestRun(for job: JobID) async throws -> SweepRun? {
        try await database.run {
            let rows = try await database.client.query(
                """
                SELECT * FROM sweep_runs WHERE job_id = \(job.rawValue) ORDER BY created_at DESC LIMIT 1
                """, logger: logger)
            for try await row in rows {
                let row = row.makeRandomAccess()
                return SweepRun(
                    sweepRunID: try row["sweep_run_id"].decode(String.self), jobID: JobID(rawValue: try row["job_id"].decode(String.self)),
                    ticker: try row["ticker"].decode(String.self),
                    strategy: Strategy(rawValue: try row["strategy"].decode(String.self)) ?? .sma,
                    totalCombinations: try row["total_combinations"].decode(Int.self),
                    rankedCombinations: try row["ranked_combinations"].decode(Int.self),
                    executionTimeSeconds: try row["execution_time_seconds"].decode(Double.self),
                    artifactKey: try row["artifact_key"].decode(String.self), createdAt: try row["created_at"].decode(Date.self),
                    statistics: try row["statistics"].decode(String?.self).flatMap(SweepStatistics.init(stored:)))
            }
            return nil
        }
    }

    public func rows(for job: JobID, sortBy: SweepSortKey, descending: Bool, limit: Int?, offset: Int, rankedOnly: Bool) async throws
        -> [CombinationMetrics]
    {
        // The sort column comes from a closed enum, never from the request text. Each part reads
        // its index in order and stops at the limit: the rows with a value, then those without.
        let (column, direction) = (sortBy.rawValue, descending ? "DESC" : "ASC")
        let ties = "fast_period \(direction), slow_period \(direction)"
        let limit = limit ?? Int(Int32.max)
        let reach = limit == Int(Int32.max) ? limit : limit + offset  // each part reads up to the page's end
        let query: PostgresQuery = """
            WITH run AS (SELECT sweep_run_id FROM sweep_runs WHERE job_id = \(job.rawValue) ORDER BY created_at DESC LIMIT 1)
            SELECT * FROM (
                (SELECT 0 AS part, * FROM trading_sweep_results
                 WHERE sweep_run_id = (SELECT sweep_run_id FROM run) AND \(unescaped: column) IS NOT NULL AND (NOT \(rankedOnly) OR is_ranked)
                 ORDER BY \(unescaped: column) \(unescaped: direction), \(unescaped: ties) LIMIT \(reach))
                UNION ALL
                (SELECT 1 AS part, * FROM trading_sweep_results
                 WHERE sweep_run_id = (SELECT sweep_run_id FROM run) AND \(unescaped: column) IS NULL AND (NOT \(rankedOnly) OR is_ranked)
                 ORDER BY \(unescaped: ties) LIMIT \(reach))
            ) AS page
            ORDER BY part, \(unescaped: column) \(unescaped: direction), \(unescaped: ties)
            LIMIT \(limit) OFFSET \(offset)
            """
        return try await database.run {
            var results: [CombinationMetrics] = []
            for try await row in try await database.client.query(query, logger: logger) {
                results.append(try CombinationMetrics(row: row))
            }
            return results
        }
    }
}

extension PostgresSweepResultStore {
    public func row(for job: JobID, fast: Int, slow: Int) async throws -> CombinationMetrics? {
        let query: PostgresQuery = """
            SELECT * FROM trading_sweep_results
            WHERE sweep_run_id = (SELECT sweep_run_id FROM sweep_runs WHERE job_id = \(job.rawValue) ORDER BY created_at DESC LIMIT 1)
              AND fast_period = \(fast) AND slow_period = \(slow)
            """
        return try await database.run {
            for try await row in try await database.client.query(query, logger: logger) { return try CombinationMetrics(row: row) }
            return nil
        }
    }

    public func grid(for job: JobID, metrics: [SweepSortKey]) async throws -> [GridRow] {
        let columns = metrics.map { ", \($0.rawValue)::float8" }.joined()  // from a closed enum
        let query: PostgresQuery = """
            SELECT fast_period, slow_period, is_ranked\(unescaped: columns) FROM trading_sweep_results
            WHERE sweep_run_id = (SELECT sweep_run_id FROM sweep_runs WHERE job_id = \(job.rawValue) ORDER BY created_at DESC LIMIT 1)
            """
        return try await database.run {
            var rows: [GridRow] = []
            for try await row in try await database.client.query(query, logger: logger) {
                var cells = row.makeIterator()
                guard let fast = cells.next(), let slow = cells.next(), let ranked = cells.next() else { continue }
                var values: [Double] = []
                values.reserveCapacity(metrics.count)
                while let cell = cells.next() { values.append(try cell.decode(Double?.self) ?? .nan) }
                rows.append(
                    GridRow(
                        fastPeriod: try fast.decode(Int.self), slowPeriod: try slow.decode(Int.self), values: values,
                        isRanked: try ranked.decode(Bool.self)))
            }
            return rows
        }
    }
}

extension CombinationMetrics {
    init(row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        func real(_ column: String) throws -> Double { try row[column].decode(Double?.self) ?? .nan }
        self.init(
            fastPeriod: try row["fast_period"].decode(Int.self), slowPeriod: try row["slow_period"].decode(Int.self),
            totalReturnPct: try real("total_return_pct"), annualizedReturn: try real("annualized_return"),
            sharpeRatio: try real("sharpe_ratio"), sortinoRatio: try real("sortino_ratio"),
            maxDrawdownPct: try real("max_drawdown_pct"), winRatePct: try real("win_rate_pct"),
            profitFactor: try real("profit_factor"), totalTrades: try row["total_trades"].decode(Int.self),
            closedTrades: try row["closed_trades"].decode(Int.self), tradesPerMonth: try real("trades_per_month"),
            avgTradeDuration: try real("avg_trade_duration"), score: try real("score"), isRanked: try row["is_ranked"].decode(Bool.self))
    }
}
