import Foundation
import GRDB
public import SweepEngine
public import ZixlyCore
public import ZixlySweeps

/// `sweep_runs` and `trading_sweep_results` in the embedded database.
public struct SQLiteSweepResultStore: SweepResultStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func save(_ run: SweepRun, rows: [CombinationMetrics], under lease: Lease) async throws -> Bool {
        try await database.write { db in
            let holds =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT 1 FROM jobs WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempt = ?
                        """, arguments: [lease.jobID.rawValue, lease.worker.rawValue, lease.attempt]) ?? false
            guard holds else { return false }
            try db.execute(sql: "DELETE FROM sweep_runs WHERE job_id = ?", arguments: [run.jobID.rawValue])
            try db.execute(
                sql: """
                    INSERT INTO sweep_runs (sweep_run_id, job_id, ticker, strategy, total_combinations, ranked_combinations,
                                            execution_time_seconds, artifact_key, created_at, statistics)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run.sweepRunID, run.jobID.rawValue, run.ticker, run.strategy.rawValue, run.totalCombinations,
                    run.rankedCombinations, run.executionTimeSeconds, run.artifactKey, run.createdAt.unix,
                    run.statistics.map(SweepStatistics.stored),
                ])
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO trading_sweep_results (sweep_run_id, job_id, fast_period, slow_period, score, sharpe_ratio,
                        sortino_ratio, total_return_pct, annualized_return, max_drawdown_pct, win_rate_pct, profit_factor,
                        total_trades, closed_trades, trades_per_month, avg_trade_duration, is_ranked)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for row in rows {
                try insert.execute(arguments: [
                    run.sweepRunID, run.jobID.rawValue, row.fastPeriod, row.slowPeriod, row.score.stored,
                    row.sharpeRatio.stored, row.sortinoRatio.stored, row.totalReturnPct.stored, row.annualizedReturn.stored,
                    row.maxDrawdownPct.stored, row.winRatePct.stored, row.profitFactor.stored, row.totalTrades,
                    row.closedTrades, row.tradesPerMonth.stored, row.avgTradeDuration.stored, row.isRanked,
                ])
            }
            return true
        }
    }

    public func latestRun(for job: JobID) async throws -> SweepRun? {
        try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM sweep_runs WHERE job_id = ? ORDER BY created_at DESC LIMIT 1
                    """, arguments: [job.rawValue]
            ).map { row in
                SweepRun(
                    sweepRunID: row["sweep_run_id"], jobID: JobID(rawValue: row["job_id"]), ticker: row["ticker"],
                    strategy: Strategy(rawValue: row["strategy"]) ?? .sma, totalCombinations: row["total_combinations"],
                    rankedCombinations: row["ranked_combinations"], executionTimeSeconds: row["execution_time_seconds"],
                    artifactKey: row["artifact_key"], createdAt: Date(unix: row["created_at"]),
                    statistics: (row["statistics"] as String?).flatMap(SweepStatistics.init(stored:)))
            }
        }
    }

    public func rows(for job: JobID, sortBy: SweepSortKey, descending: Bool, limit: Int?, offset: Int, rankedOnly: Bool) async throws
        -> [CombinationMetrics]
    {
        // The sort column comes from a closed enum, never from the request text. Each part reads
        // its index in order and stops at the limit: the rows with a value, then those without.
        let (column, direction) = (sortBy.rawValue, descending ? "DESC" : "ASC")
        let ties = "fast_period \(direction), slow_period \(direction)"
        return try await database.read { db in
            guard
                let run = try String.fetchOne(
                    db,
                    sql: """
                        SELECT sweep_run_id FROM sweep_runs WHERE job_id = ? ORDER BY created_at DESC LIMIT 1
                        """, arguments: [job.rawValue])
            else { return [] }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (
                        SELECT 0 AS part, * FROM (
                            SELECT * FROM trading_sweep_results
                            WHERE sweep_run_id = :run AND \(column) IS NOT NULL AND (:ranked = 0 OR is_ranked = 1)
                            ORDER BY \(column) \(direction), \(ties) LIMIT :reach)
                        UNION ALL
                        SELECT 1 AS part, * FROM (
                            SELECT * FROM trading_sweep_results
                            WHERE sweep_run_id = :run AND \(column) IS NULL AND (:ranked = 0 OR is_ranked = 1)
                            ORDER BY \(ties) LIMIT :reach))
                    ORDER BY part, \(column) \(direction), \(ties)
                    LIMIT :limit OFFSET :offset
                    """,
                arguments: ["run": run, "ranked": rankedOnly, "limit": limit ?? -1, "reach": limit.map { $0 + offset } ?? -1, "offset": offset]
            )
            .map(CombinationMetrics.init(row:))
        }
    }
}

extension SQLiteSweepResultStore {
    public func row(for job: JobID, fast: Int, slow: Int) async throws -> CombinationMetrics? {
        try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM trading_sweep_results
                    WHERE sweep_run_id = (SELECT sweep_run_id FROM sweep_runs WHERE job_id = ? ORDER BY created_at DESC LIMIT 1)
                      AND fast_period = ? AND slow_period = ?
                    """, arguments: [job.rawValue, fast, slow]
            ).map(CombinationMetrics.init(row:))
        }
    }

    public func grid(for job: JobID, metrics: [SweepSortKey]) async throws -> [GridRow] {
        let columns = metrics.map(\.rawValue).joined(separator: ", ")  // from a closed enum
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT fast_period, slow_period, is_ranked\(metrics.isEmpty ? "" : ", ")\(columns) FROM trading_sweep_results
                    WHERE sweep_run_id = (SELECT sweep_run_id FROM sweep_runs WHERE job_id = ? ORDER BY created_at DESC LIMIT 1)
                    """, arguments: [job.rawValue]
            ).map { row in
                GridRow(
                    fastPeriod: row[0], slowPeriod: row[1], values: metrics.indices.map { (row[$0 + 3] as Double?) ?? .nan }, isRanked: row[2])
            }
        }
    }
}

extension CombinationMetrics {
    init(row: Row) {
        func real(_ column: String) -> Double { (row[column] as Double?) ?? .nan }
        self.init(
            fastPeriod: row["fast_period"], slowPeriod: row["slow_period"],
            totalReturnPct: real("total_return_pct"), annualizedReturn: real("annualized_return"),
            sharpeRatio: real("sharpe_ratio"), sortinoRatio: real("sortino_ratio"),
            maxDrawdownPct: real("max_drawdown_pct"), winRatePct: real("win_rate_pct"),
            profitFactor: real("profit_factor"), totalTrades: row["total_trades"], closedTrades: row["closed_trades"],
            tradesPerMonth: real("trades_per_month"), avgTradeDuration: real("avg_trade_duration"),
            score: real("score"), isRanked: row["is_ranked"])
    }
}

extension Double {
    /// SQLite keeps ±inf but turns NaN into NULL; make that explicit.
    var stored: Double? { isNaN ? nil : self }
}
