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
        error_message, result_summary, idempotency_key, trace_parent, attempt_errors, queue
        """

    /// New jobs, in one statement; returns the ids inserted (a job whose tenant's idempotency key
    /// already names one, or names one earlier in the same batch, is left out).
    ///
    /// The same transaction wakes the workers: `pg_notify` runs for each row returned (its void
    /// result, as text, is empty, so the condition holds), and PostgreSQL folds a transaction's
    /// identical notifications into one, sent at commit, and only if a job was inserted. A batch
    /// thus costs one round trip and one commit. A NOTIFY serializes the commits of transactions
    /// that send one, which is why it must not come with every job; batches are written one at a
    /// time anyway, so here it holds nothing up.
    struct Insert: PostgresPreparedStatement {
        static let name = "zixly_jobs_insert_v4"
        static let sql = """
            WITH inserted AS (
            INSERT INTO jobs (id, tenant, job_type, queue, state, parameters, priority, attempt, max_attempts,
                              run_at, created_at, idempotency_key, trace_parent)
            SELECT v.id, v.tenant, v.job_type, v.queue, 'queued', v.parameters, v.priority, 0, v.max_attempts, v.run_at, v.created_at,
                   CASE WHEN v.has_key THEN v.idempotency_key END, CASE WHEN v.has_trace THEN v.trace_parent END
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::timestamptz[],
                        $8::timestamptz[], $9::bool[], $10::text[], $11::bool[], $12::text[], $13::text[])
                AS v(id, tenant, job_type, parameters, priority, max_attempts, run_at, created_at,
                     has_key, idempotency_key, has_trace, trace_parent, queue)
            ON CONFLICT (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id)
            SELECT id FROM inserted
            WHERE pg_notify('\(PostgresWakeupListener.channel)', '')::text = ''
            """
        static let bindingDataTypes: [PostgresDataType] = [
            .textArray, .textArray, .textArray, .textArray, .int8Array, .int8Array, .timestamptzArray, .timestamptzArray,
            .boolArray, .textArray, .boolArray, .textArray, .textArray,
        ]
        typealias Row = String
        var jobs: [Job]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 13)
            bindings.append(jobs.map(\.id.rawValue))
            bindings.append(jobs.map(\.tenant))
            bindings.append(jobs.map(\.jobType))
            bindings.append(jobs.map { $0.parameters.jsonText() })
            bindings.append(jobs.map(\.priority))
            bindings.append(jobs.map(\.maxAttempts))
            bindings.append(jobs.map(\.runAt))
            bindings.append(jobs.map(\.createdAt))
            bindings.append(jobs.map { $0.idempotencyKey != nil })
            bindings.append(jobs.map { $0.idempotencyKey ?? "" })
            bindings.append(jobs.map { $0.traceParent != nil })
            bindings.append(jobs.map { $0.traceParent ?? "" })
            bindings.append(jobs.map(\.queue))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
    }

    /// Completes the jobs whose lease holds, then claims up to `limit` jobs of `queue`, in one
    /// statement: one round trip and one commit for a worker's finished jobs and its next ones
    /// (with limit 0 it only completes). It calls `zixly_complete_and_claim_v2` (migration 0010),
    /// whose query PostgreSQL plans once per connection instead of at every call (ADR 0018). Its
    /// rows: one per claimed job, or one row of NULLs when none was; the first carries the ids of
    /// the completions whose lease held.
    struct CompleteAndClaim: PostgresPreparedStatement {
        static let name = "zixly_jobs_complete_and_claim_v4"
        /// The function repeats the completed ids in every row; only the first row returns them,
        /// so a claim of n jobs sends and decodes them once, not n times.
        static let sql = """
            SELECT CASE WHEN claim.ordinality = 1 THEN claim.completed_ids END AS completed_ids, \(columns)
            FROM zixly_complete_and_claim_v2($1, $2, $3, $4, $5, $6, $7, $8, $9) WITH ORDINALITY AS claim
            """
        static let bindingDataTypes: [PostgresDataType] = [
            .textArray, .textArray, .int8Array, .textArray, .timestamptz, .text, .timestamptz, .int8, .text,
        ]
        /// The ids whose completion held (in the first row only), and the job claimed (nil in the
        /// row of NULLs).
        typealias Row = (completed: [String]?, claimed: Job?)
        var completions: [Completion]
        var queue: String
        var worker: WorkerID
        var leaseExpiresAt: Date
        var now: Date
        var limit: Int

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 9)
            bindings.appendLeases(completions.map(\.lease))
            bindings.append(completions.map { $0.summary.jsonText() })
            bindings.append(now)
            bindings.append(worker.rawValue)
            bindings.append(leaseExpiresAt)
            bindings.append(limit)
            bindings.append(queue)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let columns = row.makeRandomAccess()
            let completed = try columns["completed_ids"].decode([String]?.self)
            guard try columns["id"].decode(String?.self) != nil else { return (completed, nil) }
            return (completed, try Job(columns: columns))
        }
    }

    /// Records failed attempts whose lease holds: queued again at their retry time, or failed
    /// for good (those without one); each attempt joins the job's `attempt_errors`. Returns the
    /// ids written. A worker's failure is one element; the rescuer's expired leases are many.
    struct Fail: PostgresPreparedStatement {
        static let name = "zixly_jobs_fail_v1"
        static let sql = """
            UPDATE jobs
            SET state = CASE WHEN v.retry THEN 'queued' ELSE 'failed' END,
                run_at = CASE WHEN v.retry THEN v.retry_at ELSE jobs.run_at END,
                finished_at = CASE WHEN v.retry THEN NULL ELSE $7 END,
                error_message = v.error, lease_owner = NULL, lease_expires_at = NULL,
                attempt_errors = (jobs.attempt_errors::jsonb || jsonb_build_object(
                    'attempt', jobs.attempt, 'started_at', extract(epoch FROM jobs.started_at)::float8, 'worker', jobs.lease_owner,
                    'at', $8::float8, 'error', v.error))::text
            FROM unnest($1::text[], $2::text[], $3::int8[], $4::bool[], $5::timestamptz[], $6::text[])
                AS v(id, owner, attempt, retry, retry_at, error)
            WHERE jobs.id = v.id AND jobs.lease_owner = v.owner AND jobs.attempt = v.attempt
            RETURNING jobs.id
            """
        static let bindingDataTypes: [PostgresDataType] = [
            .textArray, .textArray, .int8Array, .boolArray, .timestamptzArray, .textArray, .timestamptz, .float8,
        ]
        typealias Row = String
        var failures: [AttemptFailure]
        var now: Date

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 8)
            bindings.appendLeases(failures.map(\.lease))
            bindings.append(failures.map { $0.retryAt != nil })
            bindings.append(failures.map { $0.retryAt ?? now })
            bindings.append(failures.map(\.message))
            bindings.append(now)
            bindings.append(now.timeIntervalSince1970)
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

extension PostgresBindings {
    /// The leases' job ids, owners and attempts, as three parallel arrays (what every fenced
    /// write of many jobs matches rows by).
    mutating func appendLeases(_ leases: [Lease]) {
        append(leases.map(\.jobID.rawValue))
        append(leases.map(\.worker.rawValue))
        append(leases.map(\.attempt))
    }
}
