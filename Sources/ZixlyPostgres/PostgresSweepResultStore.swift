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

    /// Rows per multi-row INSERT (17 binds each, well under PostgreSQL's 65,535).
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
                for start in stride(from: 0, to: rows.count, by: Self.batchSize) {
                    try await connection.query(Self.insert(rows[start..<min(rows.count, start + Self.batchSize)], run: run), logger: logger)
                }
                return true
            }
        }
    }

    /// One multi-row INSERT with bound values.
    static func insert(_ rows: ArraySlice<CombinationMetrics>, run: SweepRun) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: rows.count * 17)
        var tuples: [String] = []
        for row in rows {
            let first = bindings.count
            bindings.append(run.sweepRunID)
            bindings.append(run.jobID.rawValue)
            bindings.append(row.fastPeriod)
            bindings.append(row.slowPeriod)
            for value in [
                row.score, row.sharpeRatio, row.sortinoRatio, row.totalReturnPct, row.annualizedReturn,
                row.maxDrawdownPct, row.winRatePct, row.profitFactor,
            ] {
                bindings.append(value.isNaN ? nil : value)
            }
            bindings.append(row.totalTrades)
            bindings.append(row.closedTrades)
            bindings.append(row.tradesPerMonth.isNaN ? nil : row.tradesPerMonth)
            bindings.append(row.avgTradeDuration.isNaN ? nil : row.avgTradeDuration)
            bindings.append(row.isRanked)
            tuples.append("(" + (first + 1...first + 17).map { "$\($0)" }.joined(separator: ", ") + ")")
        }
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO trading_sweep_results (sweep_run_id, job_id, fast_period, slow_period, score, sharpe_ratio,
                    sortino_ratio, total_return_pct, annualized_return, max_drawdown_pct, win_rate_pct, profit_factor,
                    total_trades, closed_trades, trades_per_month, avg_trade_duration, is_ranked)
                VALUES \(tuples.joined(separator: ", "))
                """, binds: bindings)
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
    public func grid(for job: JobID, metrics: [SweepSortKey]) async throws -> [GridRow] {
        let columns = metrics.map { ", \($0.rawValue)::float8" }.joined()  // from a closed enum
        let query: PostgresQuery = """
            SELECT fast_period, slow_period\(unescaped: columns) FROM trading_sweep_results
            WHERE sweep_run_id = (SELECT sweep_run_id FROM sweep_runs WHERE job_id = \(job.rawValue) ORDER BY created_at DESC LIMIT 1)
            """
        return try await database.run {
            var rows: [GridRow] = []
            for try await row in try await database.client.query(query, logger: logger) {
                var cells = row.makeIterator()
                guard let fast = cells.next(), let slow = cells.next() else { continue }
                var values: [Double] = []
                values.reserveCapacity(metrics.count)
                while let cell = cells.next() { values.append(try cell.decode(Double?.self) ?? .nan) }
                rows.append(GridRow(fastPeriod: try fast.decode(Int.self), slowPeriod: try slow.decode(Int.self), values: values))
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
