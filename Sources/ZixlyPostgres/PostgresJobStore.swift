public import Foundation
import Logging
import PostgresNIO
public import ZixlyCore
public import ZixlyQueue

/// The production `JobStore`: claims with `FOR UPDATE SKIP LOCKED`, every worker write fenced
/// by the lease, each method one transaction (or one statement, which is its own transaction).
///
/// A lease is checked as `id = … AND lease_owner = … AND attempt = …`, without `state = 'running'`:
/// an owner is set exactly while a job runs (CHECK `jobs_check1`), and with the state in the
/// condition PostgreSQL may plan a scan of the `jobs_lease_expiry` partial index instead of the
/// primary key (its statistics often say one row runs). That index holds every running job and,
/// until vacuum, every job that ran since: a heartbeat or completion then took milliseconds to
/// seconds, and a benchmark drain fell from 2,000 to 95 jobs a second.
public struct PostgresJobStore: JobStore {
    let database: PostgresDatabase
    var client: PostgresClient { database.client }
    var logger: Logger { database.logger }
    /// Enqueues that arrive while another batch is being written share one INSERT and one commit;
    /// true for each job inserted.
    let inserts: GroupCommit<Job, Bool>

    public init(database: PostgresDatabase) {
        self.database = database
        inserts = GroupCommit { jobs in
            let inserted = try await database.run {
                let rows = try await database.client.execute(JobStatements.Insert(jobs: jobs), logger: database.logger)
                var inserted: Set<String> = []
                for try await id in rows { inserted.insert(id) }
                return inserted
            }
            return jobs.map { inserted.contains($0.id.rawValue) }
        }
    }

    /// Returns once the job is committed (with the other jobs of its batch).
    public func enqueue(_ job: NewJob, now: Date) async throws -> EnqueueResult {
        // The row is built here rather than read back: parsing the parameters again would cost
        // an enqueue more than its insert. Times are cut to PostgreSQL's microseconds first.
        var rounded = job
        rounded.runAt = (job.runAt ?? now).postgresPrecision
        let created = rounded.queued(at: now.postgresPrecision)
        if try await inserts.submit(created) { return .created(created) }
        return try await database.run {
            let existing = try await client.query(
                """
                SELECT * FROM jobs WHERE tenant = \(job.tenant) AND idempotency_key = \(job.idempotencyKey)
                """, logger: logger
            ).jobs()
            guard let first = existing.first else { throw CorruptPostgresRow(column: "jobs.idempotency_key", value: job.idempotencyKey ?? "") }
            return .duplicate(first)
        }
    }

    public func completeAndClaim(
        _ completions: [Completion], queue: String, worker: WorkerID, limit: Int, leaseFor: TimeInterval, now: Date
    ) async throws -> CompletedAndClaimed {
        try await database.run {
            let statement = JobStatements.CompleteAndClaim(
                completions: completions, queue: queue, worker: worker, leaseExpiresAt: now.addingTimeInterval(leaseFor), now: now, limit: limit)
            var held: Set<JobID> = []
            var claimed: [Job] = []
            for try await row in try await client.execute(statement, logger: logger) {
                if let completed = row.completed { held = Set(completed.map(JobID.init(rawValue:))) }
                if let job = row.claimed { claimed.append(job) }
            }
            return CompletedAndClaimed(held: held, claimed: claimed.leased(to: worker))
        }
    }

    public func heartbeat(_ lease: Lease, progress: JobProgress?, leaseFor: TimeInterval, now: Date) async throws -> HeartbeatResult {
        try await database.run {
            let statement = JobStatements.Heartbeat(lease: lease, progress: progress, leaseExpiresAt: now.addingTimeInterval(leaseFor))
            let rows = try await client.execute(statement, logger: logger)
            for try await cancelRequested in rows { return .renewed(cancelRequested: cancelRequested) }
            return .leaseLost
        }
    }

    public func fail(_ failures: [AttemptFailure], now: Date) async throws -> Set<JobID> {
        guard !failures.isEmpty else { return [] }
        return try await database.run {
            try await client.execute(JobStatements.Fail(failures: failures, now: now), logger: logger).ids()
        }
    }

    public func acknowledgeCancel(_ lease: Lease, now: Date) async throws -> Bool {
        try await changesOne(
            """
            UPDATE jobs
            SET state = 'cancelled', finished_at = \(now), lease_owner = NULL, lease_expires_at = NULL
            WHERE cancel_requested AND id = \(lease.jobID.rawValue)
              AND lease_owner = \(lease.worker.rawValue) AND attempt = \(lease.attempt)
            """)
    }

    public func release(_ lease: Lease, runAt: Date, now: Date) async throws -> Bool {
        try await changesOne(
            """
            UPDATE jobs
            SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
                finished_at = CASE WHEN cancel_requested THEN \(now) END,
                run_at = \(runAt), attempt = attempt - 1, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = \(lease.jobID.rawValue) AND lease_owner = \(lease.worker.rawValue) AND attempt = \(lease.attempt)
            """)
    }

    /// Runs one fenced UPDATE; true if it changed a row.
    private func changesOne(_ query: PostgresQuery) async throws -> Bool {
        try await database.run {
            let rows = try await client.query(query + " RETURNING 1", logger: logger)
            var changed = 0
            for try await _ in rows { changed += 1 }
            return changed == 1
        }
    }

    public func isReady() async -> Bool {
        await database.migrationsAreCurrent()
    }
}

extension AsyncSequence where Element == String {
    /// Every id a statement returned.
    func ids() async throws -> Set<JobID> {
        var ids: Set<JobID> = []
        for try await id in self { ids.insert(JobID(rawValue: id)) }
        return ids
    }
}

extension PostgresQuery {
    static func + (query: PostgresQuery, suffix: String) -> PostgresQuery {
        var copy = query
        copy.sql += suffix
        return copy
    }
}
