import Foundation
import PostgresNIO
import ZixlyCore
import ZixlyQueue

/// The statements a busy queue runs for every job, prepared once per connection: PostgreSQL
/// then skips parsing and planning them on each call (a claim's plan costs about as much as its
/// execution). They name their columns: a prepared `RETURNING *` would fail on every pooled
/// connection once a migration adds one.
enum JobStatements {
    /// Every column of `jobs`, as `Job(row:)` reads them.
    static let columns = """
        id, tenant, job_type, state, parameters, priority, attempt, max_attempts, run_at, created_at, started_at,
        finished_at, lease_owner, lease_expires_at, cancel_requested, progress_percent, progress_message,
        error_message, result_summary, idempotency_key, trace_parent, attempt_errors
        """

    /// A new job; returns its id, or nothing when the tenant's idempotency key already names one.
    struct Insert: PostgresPreparedStatement {
        static let name = "zixly_jobs_insert_v1"
        static let sql = """
            INSERT INTO jobs (id, tenant, job_type, state, parameters, priority, attempt, max_attempts,
                              run_at, created_at, idempotency_key, trace_parent)
            VALUES ($1, $2, $3, 'queued', $4, $5, 0, $6, $7, $8, $9, $10)
            ON CONFLICT (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id
            """
        static let bindingDataTypes: [PostgresDataType] = [
            .text, .text, .text, .text, .int8, .int8, .timestamptz, .timestamptz, .text, .text,
        ]
        typealias Row = String
        var job: Job

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 10)
            bindings.append(job.id.rawValue)
            bindings.append(job.tenant)
            bindings.append(job.jobType)
            bindings.append(job.parameters.jsonText())
            bindings.append(job.priority)
            bindings.append(job.maxAttempts)
            bindings.append(job.runAt)
            bindings.append(job.createdAt)
            bindings.append(job.idempotencyKey)
            bindings.append(job.traceParent)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
    }

    /// Up to `limit` claimable jobs, in claim order, now leased to `worker`.
    struct Claim: PostgresPreparedStatement {
        static let name = "zixly_jobs_claim_v1"
        static let sql = """
            UPDATE jobs
            SET state = 'running', attempt = attempt + 1, lease_owner = $1, lease_expires_at = $2, started_at = $3,
                cancel_requested = FALSE, progress_percent = 0, progress_message = NULL
            WHERE id IN (
                SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $3
                ORDER BY priority, run_at, created_at, id LIMIT $4
                FOR UPDATE SKIP LOCKED)
            RETURNING \(columns)
            """
        static let bindingDataTypes: [PostgresDataType] = [.text, .timestamptz, .timestamptz, .int8]
        typealias Row = Job
        var worker: WorkerID
        var leaseExpiresAt: Date
        var now: Date
        var limit: Int

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 4)
            bindings.append(worker.rawValue)
            bindings.append(leaseExpiresAt)
            bindings.append(now)
            bindings.append(limit)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Job { try Job(row: row) }
    }

    /// Completes the jobs whose lease still holds; returns their ids.
    struct Complete: PostgresPreparedStatement {
        static let name = "zixly_jobs_complete_v1"
        static let sql = """
            UPDATE jobs
            SET state = 'completed', finished_at = $5, result_summary = v.summary, progress_percent = 100,
                lease_owner = NULL, lease_expires_at = NULL, error_message = NULL
            FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[]) AS v(id, owner, attempt, summary)
            WHERE jobs.id = v.id AND jobs.lease_owner = v.owner AND jobs.attempt = v.attempt
            RETURNING jobs.id
            """
        static let bindingDataTypes: [PostgresDataType] = [.textArray, .textArray, .int8Array, .textArray, .timestamptz]
        typealias Row = String
        var completions: [Completion]
        var now: Date

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 5)
            bindings.append(completions.map(\.lease.jobID.rawValue))
            bindings.append(completions.map(\.lease.worker.rawValue))
            bindings.append(completions.map(\.lease.attempt))
            bindings.append(completions.map { $0.summary.jsonText() })
            bindings.append(now)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
    }

    /// Renews a lease, writing progress when given; returns whether a cancel was requested, or
    /// nothing when the lease is gone.
    struct Heartbeat: PostgresPreparedStatement {
        static let name = "zixly_jobs_heartbeat_v1"
        static let sql = """
            UPDATE jobs
            SET lease_expires_at = $1,
                progress_percent = coalesce($2, progress_percent),
                progress_message = CASE WHEN $3 THEN $4 ELSE progress_message END
            WHERE id = $5 AND lease_owner = $6 AND attempt = $7
            RETURNING cancel_requested
            """
        static let bindingDataTypes: [PostgresDataType] = [.timestamptz, .int8, .bool, .text, .text, .text, .int8]
        typealias Row = Bool
        var lease: Lease
        var progress: JobProgress?
        var leaseExpiresAt: Date

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 7)
            bindings.append(leaseExpiresAt)
            bindings.append(progress?.percent)
            bindings.append(progress != nil)
            bindings.append(progress?.message)
            bindings.append(lease.jobID.rawValue)
            bindings.append(lease.worker.rawValue)
            bindings.append(lease.attempt)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Bool { try row.decode(Bool.self) }
    }
}
