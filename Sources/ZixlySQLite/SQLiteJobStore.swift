public import Foundation
import GRDB
public import ZixlyCore
public import ZixlyQueue

/// The embedded `JobStore`: every method is one IMMEDIATE transaction on the shared SQLite file,
/// so claims from several workers (threads or processes) never overlap.
public struct SQLiteJobStore: JobStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func enqueue(_ job: NewJob, now: Date) async throws -> EnqueueResult {
        try await database.write { db in
            if let key = job.idempotencyKey,
                let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE tenant = ? AND idempotency_key = ?", arguments: [job.tenant, key])
            {
                return .duplicate(try Job(row: row))
            }
            let row = try Row.fetchOne(
                db,
                sql: """
                    INSERT INTO jobs (id, tenant, job_type, queue, state, parameters, priority, attempt, max_attempts,
                                      run_at, created_at, idempotency_key, trace_parent)
                    VALUES (?, ?, ?, ?, 'queued', ?, ?, 0, ?, ?, ?, ?, ?)
                    RETURNING *
                    """,
                arguments: [
                    job.id.rawValue, job.tenant, job.jobType, job.queue, job.parameters.jsonText(), job.priority, job.maxAttempts,
                    (job.runAt ?? now).unix, now.unix, job.idempotencyKey, job.traceParent,
                ])!
            return .created(try Job(row: row))
        }
    }

    public func completeAndClaim(
        _ completions: [Completion], queue: String, worker: WorkerID, limit: Int, leaseFor: TimeInterval, now: Date
    ) async throws -> CompletedAndClaimed {
        try await database.write { db in
            let held = try Self.complete(db, completions, now: now)
            return CompletedAndClaimed(
                held: held, claimed: try Self.claim(db, queue: queue, worker: worker, limit: limit, leaseFor: leaseFor, now: now))
        }
    }

    static func claim(_ db: Database, queue: String, worker: WorkerID, limit: Int, leaseFor: TimeInterval, now: Date) throws -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                UPDATE jobs
                SET state = 'running', attempt = attempt + 1, lease_owner = ?, lease_expires_at = ?,
                    started_at = ?, cancel_requested = 0, progress_percent = 0, progress_message = NULL
                WHERE id IN (
                    SELECT id FROM jobs WHERE state = 'queued' AND queue = ? AND run_at <= ?
                    ORDER BY priority, run_at, created_at, id LIMIT ?)
                RETURNING *
                """, arguments: [worker.rawValue, now.unix + leaseFor, now.unix, queue, now.unix, limit])
        return try rows.map(Job.init(row:)).leased(to: worker)
    }

    public func heartbeat(_ lease: Lease, progress: JobProgress?, leaseFor: TimeInterval, now: Date) async throws -> HeartbeatResult {
        try await database.write { db in
            let cancelRequested = try Bool.fetchOne(
                db,
                sql: """
                    UPDATE jobs
                    SET lease_expires_at = ?,
                        progress_percent = coalesce(?, progress_percent),
                        progress_message = CASE WHEN ? THEN ? ELSE progress_message END
                    WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempt = ?
                    RETURNING cancel_requested
                    """,
                arguments: [
                    now.unix + leaseFor, progress?.percent, progress != nil, progress?.message,
                    lease.jobID.rawValue, lease.worker.rawValue, lease.attempt,
                ])
            return cancelRequested.map { .renewed(cancelRequested: $0) } ?? .leaseLost
        }
    }

    static func complete(_ db: Database, _ completions: [Completion], now: Date) throws -> Set<JobID> {
        guard !completions.isEmpty else { return [] }
        let statement = try db.makeStatement(
            sql: """
                UPDATE jobs
                SET state = 'completed', finished_at = ?, result_summary = ?, progress_percent = 100,
                    lease_owner = NULL, lease_expires_at = NULL, error_message = NULL
                WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempt = ?
                """)
        var held: Set<JobID> = []
        for completion in completions {
            let lease = completion.lease
            try statement.execute(arguments: [
                now.unix, completion.summary.jsonText(), lease.jobID.rawValue, lease.worker.rawValue, lease.attempt,
            ])
            if db.changesCount == 1 { held.insert(lease.jobID) }
        }
        return held
    }

    public func fail(_ failures: [AttemptFailure], now: Date) async throws -> Set<JobID> {
        guard !failures.isEmpty else { return [] }
        return try await database.write { db in try Self.fail(db, failures, now: now) }
    }

    /// Writes each failure whose lease holds, with one statement prepared once; returns those ids.
    static func fail(_ db: Database, _ failures: [AttemptFailure], now: Date) throws -> Set<JobID> {
        let statement = try db.makeStatement(
            sql: """
                UPDATE jobs
                SET state = CASE WHEN ?1 IS NULL THEN 'failed' ELSE 'queued' END, run_at = coalesce(?1, run_at),
                    finished_at = CASE WHEN ?1 IS NULL THEN ?3 END, error_message = ?2, lease_owner = NULL, lease_expires_at = NULL,
                    attempt_errors = json_insert(attempt_errors, '$[' || json_array_length(attempt_errors) || ']', json_object(
                        'attempt', attempt, 'at', ?3, 'started_at', started_at, 'worker', lease_owner, 'error', ?2))
                WHERE id = ?4 AND state = 'running' AND lease_owner = ?5 AND attempt = ?6
                """)
        var held: Set<JobID> = []
        for failure in failures {
            let lease = failure.lease
            try statement.execute(arguments: [
                failure.retryAt?.unix, failure.message, now.unix, lease.jobID.rawValue, lease.worker.rawValue, lease.attempt,
            ])
            if db.changesCount == 1 { held.insert(lease.jobID) }
        }
        return held
    }

    public func acknowledgeCancel(_ lease: Lease, now: Date) async throws -> Bool {
        try await finish(
            lease,
            sql: """
                UPDATE jobs
                SET state = 'cancelled', finished_at = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE cancel_requested = 1 AND id = ? AND state = 'running' AND lease_owner = ? AND attempt = ?
                """, [now.unix])
    }

    public func release(_ lease: Lease, runAt: Date, now: Date) async throws -> Bool {
        try await finish(
            lease,
            sql: """
                UPDATE jobs
                SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
                    finished_at = CASE WHEN cancel_requested THEN ? END,
                    run_at = ?, attempt = attempt - 1, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempt = ?
                """, [now.unix, runAt.unix])
    }

    /// Runs one fenced UPDATE whose last three placeholders are the lease; true if it matched.
    private func finish(_ lease: Lease, sql: String, _ arguments: [(any DatabaseValueConvertible)?]) async throws -> Bool {
        let all = StatementArguments(arguments + [lease.jobID.rawValue, lease.worker.rawValue, lease.attempt])
        return try await database.write { db in
            try db.execute(sql: sql, arguments: all)
            return db.changesCount == 1
        }
    }

    public func isReady() async -> Bool {
        await database.migrationsAreCurrent()
    }
}
