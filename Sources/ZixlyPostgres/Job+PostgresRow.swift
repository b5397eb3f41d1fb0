import Foundation
import PostgresNIO
import ZixlyCore

extension Job {
    /// Reads a `jobs` row (all columns).
    init(row: PostgresRow) throws {
        try self.init(columns: row.makeRandomAccess())
    }

    /// Reads the `jobs` columns of a row already opened for access by name.
    init(columns row: PostgresRandomAccessRow) throws {
        let stateText = try row["state"].decode(String.self)
        guard let state = JobState(rawValue: stateText) else { throw CorruptPostgresRow(column: "jobs.state", value: stateText) }
        let percent = try row["progress_percent"].decode(Int?.self)
        self.init(
            id: JobID(rawValue: try row["id"].decode(String.self)),
            tenant: try row["tenant"].decode(String.self),
            jobType: try row["job_type"].decode(String.self),
            state: state,
            parameters: try JSONValue(jsonText: try row["parameters"].decode(String.self)),
            priority: try row["priority"].decode(Int.self),
            attempt: try row["attempt"].decode(Int.self),
            maxAttempts: try row["max_attempts"].decode(Int.self),
            runAt: try row["run_at"].decode(Date.self),
            createdAt: try row["created_at"].decode(Date.self),
            startedAt: try row["started_at"].decode(Date?.self),
            finishedAt: try row["finished_at"].decode(Date?.self),
            leaseOwner: try row["lease_owner"].decode(String?.self).map(WorkerID.init),
            leaseExpiresAt: try row["lease_expires_at"].decode(Date?.self),
            cancelRequested: try row["cancel_requested"].decode(Bool.self),
            progress: try percent.map { JobProgress(percent: $0, message: try row["progress_message"].decode(String?.self)) },
            errorMessage: try row["error_message"].decode(String?.self),
            attemptErrors: try AttemptError.decodeHistory(jsonText: try row["attempt_errors"].decode(String.self)),
            resultSummary: try row["result_summary"].decode(String?.self).map(JSONValue.init(jsonText:)),
            idempotencyKey: try row["idempotency_key"].decode(String?.self),
            traceParent: try row["trace_parent"].decode(String?.self),
            queue: try row["queue"].decode(String.self))
    }
}

struct CorruptPostgresRow: Error, CustomStringConvertible {
    var column: String
    var value: String
    var description: String { "corrupt \(column) value '\(value)'" }
}

extension PostgresRowSequence {
    /// Every row as a job.
    func jobs() async throws -> [Job] {
        var jobs: [Job] = []
        for try await row in self { jobs.append(try Job(row: row)) }
        return jobs
    }
}

extension Date {
    /// This instant as PostgreSQL stores it: whole microseconds, as PostgresNIO writes and reads them.
    var postgresPrecision: Date {
        let start = Date(timeIntervalSince1970: 946_684_800)
        let microseconds = Int64(timeIntervalSince(start) * 1_000_000)
        return Date(timeInterval: Double(microseconds) / 1_000_000, since: start)
    }
}
