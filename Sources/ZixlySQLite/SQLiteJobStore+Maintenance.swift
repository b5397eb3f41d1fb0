public import Foundation
import GRDB
public import ZixlyCore
public import ZixlyQueue

extension SQLiteJobStore {
    public func rescueExpired(limit: Int, retryPolicy: RetryPolicy, now: Date) async throws -> RescueReport {
        try await database.write { db in
            let failures = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, lease_owner, attempt, max_attempts FROM jobs
                    WHERE state = 'running' AND lease_expires_at < ?
                    ORDER BY lease_expires_at LIMIT ?
                    """, arguments: [now.unix, limit]
            ).map { row in
                ExpiredLease(
                    lease: Lease(jobID: JobID(rawValue: row["id"]), worker: WorkerID(row["lease_owner"]), attempt: row["attempt"]),
                    maxAttempts: row["max_attempts"]
                ).failure(retryPolicy: retryPolicy, now: now)
            }
            return RescueReport(failures, held: try Self.fail(db, failures, now: now))
        }
    }

    public func pruneFinished(before: Date, limit: Int) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM jobs WHERE id IN (
                        SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ? ORDER BY finished_at LIMIT ?)
                    """, arguments: [before.unix, limit])
            return db.changesCount
        }
    }

    public func countByState() async throws -> [JobState: Int] {
        try await database.read { db in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func oldestQueuedAge(now: Date) async throws -> TimeInterval? {
        try await database.read { db in
            try Double.fetchOne(db, sql: "SELECT min(run_at) FROM jobs WHERE state = 'queued' AND run_at <= ?", arguments: [now.unix])
                .map { now.unix - $0 }
        }
    }

    public func expiredLeaseCount(now: Date) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs WHERE state = 'running' AND lease_expires_at < ?", arguments: [now.unix]) ?? 0
        }
    }
}
