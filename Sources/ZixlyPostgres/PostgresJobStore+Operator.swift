public import Foundation
import PostgresNIO
public import ZixlyCore
import ZixlyQueue

/// What an operator does to jobs through the API and dashboard: look them up, list, cancel, retry.
extension PostgresJobStore {
    public func cancel(_ id: JobID, now: Date) async throws -> CancelResult {
        try await database.run {
            try await client.withTransaction(logger: logger) { connection -> CancelResult in
                let states = try await connection.query("SELECT state FROM jobs WHERE id = \(id.rawValue) FOR UPDATE", logger: logger)
                var state: String?
                for try await value in states.decode(String.self) { state = value }
                guard let state else { return .notFound }
                let job = try await connection.query(
                    """
                    UPDATE jobs
                    SET state = CASE state WHEN 'queued' THEN 'cancelled' ELSE state END,
                        finished_at = CASE state WHEN 'queued' THEN \(now) ELSE finished_at END,
                        cancel_requested = CASE WHEN state IN ('queued', 'running') THEN TRUE ELSE cancel_requested END
                    WHERE id = \(id.rawValue)
                    RETURNING *
                    """, logger: logger
                ).jobs()[0]
                if state == "queued" || state == "running" { try await Self.cancelChildren(connection, of: id, now: now, logger: logger) }
                switch state {
                case "queued": return .cancelled(job)
                case "running": return .cancelRequested(job)
                default: return .alreadyFinal(job)
                }
            }
        }
    }

    public func retry(_ id: JobID, now: Date) async throws -> Job? {
        try await database.run {
            // Wakes the workers at commit, as an insert does (`JobStatements.Insert`).
            try await client.query(
                """
                WITH retried AS (
                    UPDATE jobs
                    SET state = 'queued', run_at = \(now), attempt = 0, finished_at = NULL, cancel_requested = FALSE,
                        progress_percent = NULL, progress_message = NULL, result_summary = NULL,
                        -- The attempt a cancel ended (if one ran), then the retry itself: the history keeps both runs.
                        attempt_errors = (jobs.attempt_errors::jsonb
                            || CASE WHEN jobs.state = 'cancelled' AND jobs.attempt > 0
                                    THEN jsonb_build_array(jsonb_build_object(
                                        'attempt', jobs.attempt, 'at', extract(epoch FROM jobs.finished_at)::float8,
                                        'started_at', extract(epoch FROM jobs.started_at)::float8, 'worker', jobs.lease_owner,
                                        'error', 'cancelled', 'kind', 'cancelled'))
                                    ELSE '[]'::jsonb END
                            || jsonb_build_array(jsonb_build_object(
                                'attempt', jobs.attempt, 'at', extract(epoch FROM \(now)::timestamptz)::float8,
                                'error', 'queued again by an operator', 'kind', 'retried')))::text
                    WHERE id = \(id.rawValue) AND state IN ('failed', 'cancelled')
                    RETURNING *)
                SELECT * FROM retried WHERE pg_notify('\(unescaped: PostgresWakeupListener.channel)', '')::text = ''
                """, logger: logger
            ).jobs().first
        }
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await database.run {
            try await client.query("SELECT * FROM jobs WHERE id = \(id.rawValue)", logger: logger).jobs().first
        }
    }

    public func jobs(matching filter: JobFilter, page: PageRequest) async throws -> Page<Job> {
        try await database.run {
            let state = filter.state?.rawValue
            let jobType = filter.jobType
            let tenant = filter.tenant
            let topLevelOnly = filter.topLevelOnly
            let counts = try await client.query(
                """
                SELECT count(*)::BIGINT FROM jobs
                WHERE (\(state)::TEXT IS NULL OR state = \(state)) AND (\(jobType)::TEXT IS NULL OR job_type = \(jobType))
                  AND (\(tenant)::TEXT IS NULL OR tenant = \(tenant))
                  AND (NOT \(topLevelOnly) OR NOT EXISTS (SELECT 1 FROM job_children WHERE child_id = jobs.id))
                """, logger: logger)
            var total = 0
            for try await count in counts.decode(Int.self) { total = count }
            let items = try await client.query(
                """
                SELECT * FROM jobs
                WHERE (\(state)::TEXT IS NULL OR state = \(state)) AND (\(jobType)::TEXT IS NULL OR job_type = \(jobType))
                  AND (\(tenant)::TEXT IS NULL OR tenant = \(tenant))
                  AND (NOT \(topLevelOnly) OR NOT EXISTS (SELECT 1 FROM job_children WHERE child_id = jobs.id))
                ORDER BY created_at DESC, id DESC LIMIT \(page.limit) OFFSET \(page.offset)
                """, logger: logger
            ).jobs()
            return Page(items: items, total: total, request: page)
        }
    }
}
