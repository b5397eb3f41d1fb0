public import Foundation
import PostgresNIO
public import ZixlyCore
public import ZixlyQueue

extension PostgresJobStore {
    public func rescueExpired(limit: Int, retryPolicy: RetryPolicy, now: Date) async throws -> RescueReport {
        try await database.run {
            try await client.withTransaction(logger: logger) { connection -> RescueReport in
                let expired = try await connection.query(
                    """
                    SELECT id, lease_owner, attempt, max_attempts FROM jobs
                    WHERE state = 'running' AND lease_expires_at < \(now)
                    ORDER BY lease_expires_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                    """, logger: logger)
                var failures: [AttemptFailure] = []
                for try await (id, owner, attempt, maxAttempts) in expired.decode((String, String, Int, Int).self) {
                    let lease = Lease(jobID: JobID(rawValue: id), worker: WorkerID(owner), attempt: attempt)
                    failures.append(ExpiredLease(lease: lease, maxAttempts: maxAttempts).failure(retryPolicy: retryPolicy, now: now))
                }
                guard !failures.isEmpty else { return RescueReport() }
                let held = try await connection.execute(JobStatements.Fail(failures: failures, now: now), logger: logger).ids()
                return RescueReport(failures, held: held)
            }
        }
    }

    public func pruneFinished(before: Date, limit: Int) async throws -> Int {
        try await database.run {
            let rows = try await client.query(
                """
                DELETE FROM jobs WHERE id IN (
                    SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < \(before)
                    ORDER BY finished_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING 1
                """, logger: logger)
            var deleted = 0
            for try await _ in rows { deleted += 1 }
            return deleted
        }
    }

    public func countByState() async throws -> [JobState: Int] {
        try await database.run {
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            let rows = try await client.query("SELECT state, count(*)::BIGINT FROM jobs GROUP BY state", logger: logger)
            for try await (state, count) in rows.decode((String, Int).self) {
                if let state = JobState(rawValue: state) { counts[state] = count }
            }
            return counts
        }
    }

    public func oldestQueuedAge(now: Date) async throws -> TimeInterval? {
        try await database.run {
            let rows = try await client.query("SELECT min(run_at) FROM jobs WHERE state = 'queued' AND run_at <= \(now)", logger: logger)
            var oldest: Date?
            for try await value in rows.decode(Date?.self) { oldest = value }
            return oldest.map { now.timeIntervalSince($0) }
        }
    }

    public func expiredLeaseCount(now: Date) async throws -> Int {
        try await database.run {
            let rows = try await client.query(
                "SELECT count(*)::BIGINT FROM jobs WHERE state = 'running' AND lease_expires_at < \(now)", logger: logger)
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            return count
        }
    }
}
