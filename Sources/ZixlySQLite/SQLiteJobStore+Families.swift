public import Foundation
import GRDB
public import ZixlyCore
public import ZixlyQueue

/// Parent and child jobs: `job_children` links each child to its parent under a label.
extension SQLiteJobStore {
    public func enqueueChildren(_ children: [LabelledJob], of parent: JobID, now: Date) async throws -> Int {
        guard !children.isEmpty else { return 0 }
        return try await database.write { db in
            let existing = Set(try String.fetchAll(db, sql: "SELECT label FROM job_children WHERE parent_id = ?", arguments: [parent.rawValue]))
            let insertJob = try db.makeStatement(
                sql: """
                    INSERT INTO jobs (id, tenant, job_type, queue, state, parameters, priority, attempt, max_attempts,
                                      run_at, created_at, idempotency_key, trace_parent)
                    VALUES (?, ?, ?, ?, 'queued', ?, ?, 0, ?, ?, ?, ?, ?)
                    """)
            let link = try db.makeStatement(sql: "INSERT INTO job_children (child_id, parent_id, label) VALUES (?, ?, ?)")
            var inserted = 0
            for child in children where !existing.contains(child.label) {
                let job = child.job
                try insertJob.execute(arguments: [
                    job.id.rawValue, job.tenant, job.jobType, job.queue, job.parameters.jsonText(), job.priority, job.maxAttempts,
                    (job.runAt ?? now).unix, now.unix, job.idempotencyKey, job.traceParent,
                ])
                try link.execute(arguments: [job.id.rawValue, parent.rawValue, child.label])
                inserted += 1
            }
            return inserted
        }
    }

    public func children(of parent: JobID) async throws -> [ChildJob] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.label, j.id, j.state FROM job_children c JOIN jobs j ON j.id = c.child_id
                    WHERE c.parent_id = ? ORDER BY c.label
                    """, arguments: [parent.rawValue]
            ).map { row in
                guard let state = JobState(rawValue: row["state"]) else { throw CorruptRow(table: "jobs", column: "state", value: row["state"]) }
                return ChildJob(label: row["label"], id: JobID(rawValue: row["id"]), state: state)
            }
        }
    }

    /// Cancels the children of a job being cancelled: queued → cancelled, running → cancel requested.
    static func cancelChildren(_ db: Database, of parent: JobID, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE jobs
                SET state = CASE state WHEN 'queued' THEN 'cancelled' ELSE state END,
                    finished_at = CASE state WHEN 'queued' THEN ? ELSE finished_at END,
                    cancel_requested = 1
                WHERE id IN (SELECT child_id FROM job_children WHERE parent_id = ?) AND state IN ('queued', 'running')
                """, arguments: [now.unix, parent.rawValue])
    }
}
