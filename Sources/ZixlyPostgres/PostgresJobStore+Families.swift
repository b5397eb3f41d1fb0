public import Foundation
import Logging
import PostgresNIO
public import ZixlyCore
public import ZixlyQueue

/// Parent and child jobs: `job_children` links each child to its parent under a label.
extension PostgresJobStore {
    public func enqueueChildren(_ children: [LabelledJob], of parent: JobID, now: Date) async throws -> Int {
        guard !children.isEmpty else { return 0 }
        return try await database.run {
            try await client.withTransaction(logger: logger) { connection in
                var existing: Set<String> = []
                let labels = try await connection.query("SELECT label FROM job_children WHERE parent_id = \(parent.rawValue)", logger: logger)
                for try await label in labels.decode(String.self) { existing.insert(label) }
                let missing = children.filter { !existing.contains($0.label) }
                guard !missing.isEmpty else { return 0 }
                // One statement for the jobs (which wakes the workers at commit), one for the links.
                let inserted = try await connection.execute(JobStatements.Insert(jobs: missing.map { $0.job.queued(at: now) }), logger: logger)
                for try await _ in inserted {}
                let ids = missing.map(\.job.id.rawValue)
                let names = missing.map(\.label)
                try await connection.query(
                    """
                    INSERT INTO job_children (child_id, parent_id, label)
                    SELECT child.id, \(parent.rawValue), child.label FROM unnest(\(ids)::text[], \(names)::text[]) AS child(id, label)
                    """, logger: logger)
                return missing.count
            }
        }
    }

    public func children(of parent: JobID) async throws -> [ChildJob] {
        try await database.run {
            let rows = try await client.query(
                """
                SELECT c.label, j.id, j.state FROM job_children c JOIN jobs j ON j.id = c.child_id
                WHERE c.parent_id = \(parent.rawValue) ORDER BY c.label COLLATE "C"
                """, logger: logger)
            var children: [ChildJob] = []
            for try await (label, id, state) in rows.decode((String, String, String).self) {
                guard let state = JobState(rawValue: state) else { throw CorruptPostgresRow(column: "jobs.state", value: state) }
                children.append(ChildJob(label: label, id: JobID(rawValue: id), state: state))
            }
            return children
        }
    }

    /// Cancels the children of a job being cancelled: queued → cancelled, running → cancel requested.
    static func cancelChildren(_ connection: PostgresConnection, of parent: JobID, now: Date, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE jobs
            SET state = CASE state WHEN 'queued' THEN 'cancelled' ELSE state END,
                finished_at = CASE state WHEN 'queued' THEN \(now) ELSE finished_at END,
                cancel_requested = TRUE
            WHERE id IN (SELECT child_id FROM job_children WHERE parent_id = \(parent.rawValue)) AND state IN ('queued', 'running')
            """, logger: logger)
    }
}
