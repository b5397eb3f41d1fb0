public import Foundation
import GRDB
public import ZixlyCore
import ZixlyQueue

/// What an operator does to jobs through the API and dashboard: look them up, list, cancel, retry.
extension SQLiteJobStore {
    public func cancel(_ id: JobID, now: Date) async throws -> CancelResult {
        try await database.write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id.rawValue]) else {
                return .notFound
            }
            let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE jobs
                    SET state = CASE state WHEN 'queued' THEN 'cancelled' ELSE state END,
                        finished_at = CASE state WHEN 'queued' THEN ? ELSE finished_at END,
                        cancel_requested = CASE WHEN state IN ('queued', 'running') THEN 1 ELSE cancel_requested END
                    WHERE id = ?
                    RETURNING *
                    """, arguments: [now.unix, id.rawValue])!
            let job = try Job(row: row)
            if state == "queued" || state == "running" { try Self.cancelChildren(db, of: id, now: now) }
            switch state {
            case "queued": return .cancelled(job)
            case "running": return .cancelRequested(job)
            default: return .alreadyFinal(job)
            }
        }
    }

    public func retry(_ id: JobID, now: Date) async throws -> Job? {
        try await database.write { db in
            try Row.fetchOne(
                db,
                sql: """
                    UPDATE jobs
                    SET state = 'queued', run_at = ?1, attempt = 0, finished_at = NULL, cancel_requested = 0,
                        progress_percent = NULL, progress_message = NULL, result_summary = NULL,
                        attempt_errors = json_insert(\(Self.withCancelledAttempt), '$[' || (json_array_length(attempt_errors)
                            + CASE WHEN state = 'cancelled' AND attempt > 0 THEN 1 ELSE 0 END) || ']',
                            json_object('attempt', attempt, 'at', ?1, 'error', 'queued again by an operator', 'kind', 'retried'))
                    WHERE id = ?2 AND state IN ('failed', 'cancelled')
                    RETURNING *
                    """, arguments: [now.unix, id.rawValue]
            ).map(Job.init(row:))
        }
    }

    /// The history with, for a job a cancel ended mid-attempt, that attempt appended (SQL).
    static let withCancelledAttempt = """
        CASE WHEN state = 'cancelled' AND attempt > 0
             THEN json_insert(attempt_errors, '$[' || json_array_length(attempt_errors) || ']', json_object(
                 'attempt', attempt, 'at', finished_at, 'started_at', started_at, 'worker', lease_owner, 'error', 'cancelled',
                 'kind', 'cancelled'))
             ELSE attempt_errors END
        """

    public func job(_ id: JobID) async throws -> Job? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id.rawValue]).map(Job.init(row:))
        }
    }

    public func jobs(matching filter: JobFilter, page: PageRequest) async throws -> Page<Job> {
        try await database.read { db in
            let arguments: StatementArguments = [filter.state?.rawValue, filter.jobType, filter.tenant, filter.topLevelOnly]
            let condition = """
                (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR job_type = ?2) AND (?3 IS NULL OR tenant = ?3)
                  AND (NOT ?4 OR NOT EXISTS (SELECT 1 FROM job_children WHERE child_id = jobs.id))
                """
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs WHERE \(condition)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM jobs WHERE \(condition)
                    ORDER BY created_at DESC, id DESC LIMIT ?5 OFFSET ?6
                    """, arguments: arguments + [page.limit, page.offset])
            return Page(items: try rows.map(Job.init(row:)), total: total, request: page)
        }
    }
}
