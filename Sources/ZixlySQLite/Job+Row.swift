import Foundation
import GRDB
import ZixlyCore

extension Job {
    /// Reads a `jobs` row (all columns).
    init(row: Row) throws {
        let stateText: String = row["state"]
        guard let state = JobState(rawValue: stateText) else { throw CorruptRow(table: "jobs", column: "state", value: stateText) }
        let percent: Int? = row["progress_percent"]
        let summaryText: String? = row["result_summary"]
        self.init(
            id: JobID(rawValue: row["id"]),
            tenant: row["tenant"],
            jobType: row["job_type"],
            state: state,
            parameters: try JSONValue(jsonText: row["parameters"]),
            priority: row["priority"],
            attempt: row["attempt"],
            maxAttempts: row["max_attempts"],
            runAt: Date(unix: row["run_at"]),
            createdAt: Date(unix: row["created_at"]),
            startedAt: (row["started_at"] as Double?).map(Date.init(unix:)),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(unix:)),
            leaseOwner: (row["lease_owner"] as String?).map(WorkerID.init),
            leaseExpiresAt: (row["lease_expires_at"] as Double?).map(Date.init(unix:)),
            cancelRequested: row["cancel_requested"],
            progress: percent.map { JobProgress(percent: $0, message: row["progress_message"]) },
            errorMessage: row["error_message"],
            attemptErrors: try AttemptError.decodeHistory(jsonText: row["attempt_errors"]),
            resultSummary: try summaryText.map(JSONValue.init(jsonText:)),
            idempotencyKey: row["idempotency_key"],
            traceParent: row["trace_parent"],
            queue: row["queue"])
    }
}

extension Date {
    init(unix seconds: Double) { self.init(timeIntervalSince1970: seconds) }
    var unix: Double { timeIntervalSince1970 }
}

/// A row that breaks the schema's own invariants.
struct CorruptRow: Error, CustomStringConvertible {
    var table: String
    var column: String
    var value: String
    var description: String { "corrupt \(table).\(column) value '\(value)'" }
}
