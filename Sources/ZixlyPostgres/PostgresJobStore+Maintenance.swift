import Foundation
import PostgresNIO
import ZixlyCore
import ZixlyQueue

extension PostgresJobStore {
    public func rescueExpired(limit: Int, retryPolicy: RetryPolicy, now: Date) async throws -> RescueReport {
        try await database.run {
            try await client.withTransaction(logger: logger) { connection -> RescueReport in
                let expired = try await connection.query("""
                    SELECT id, attempt, max_attempts FROM jobs
                    WHERE state = 'running' AND lease_expires_at < \(now)
                    ORDER BY lease_expires_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                    """, logger: logger)
                var rows: [(String, Int, Int)] = []
                for try await row in expired.decode((String, Int, Int).self) { rows.append(row) }
                var report = RescueReport()
                for (id, attempt, maxAttempts) in rows {
                    if let retryAt = retryPolicy.retryAt(afterAttempt: attempt, maxAttempts: maxAttempts, now: now) {
                        try await connection.query("""
                            UPDATE jobs
                            SET state = 'queued', run_at = \(retryAt), lease_owner = NULL, lease_expires_at = NULL,
                                error_message = \(unescaped: LeaseExpiredErrors.retryingSQL),
                                attempt_errors = (attempt_errors::jsonb || jsonb_build_object(\(unescaped: Self.attemptErrorColumns),
                                    'at', \(now.timeIntervalSince1970)::float8, 'error', \(unescaped: LeaseExpiredErrors.retryingSQL)))::text
                            WHERE id = \(id) AND lease_owner IS NOT NULL AND attempt = \(attempt)
                            """, logger: logger)
                        report.requeued.append(JobID(rawValue: id))
                    } else {
                        try await connection.query("""
                            UPDATE jobs
                            SET state = 'failed', finished_at = \(now), lease_owner = NULL, lease_expires_at = NULL,
                                error_message = \(unescaped: LeaseExpiredErrors.lastAttemptSQL),
                                attempt_errors = (attempt_errors::jsonb || jsonb_build_object(\(unescaped: Self.attemptErrorColumns),
                                    'at', \(now.timeIntervalSince1970)::float8, 'error', \(unescaped: LeaseExpiredErrors.lastAttemptSQL)))::text
                            WHERE id = \(id) AND lease_owner IS NOT NULL AND attempt = \(attempt)
                            """, logger: logger)
                        report.failed.append(JobID(rawValue: id))
                    }
                }
                return report
            }
        }
    }

    public func pruneFinished(before: Date, limit: Int) async throws -> Int {
        try await database.run {
            let rows = try await client.query("""
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
