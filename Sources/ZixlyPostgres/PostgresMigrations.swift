/// The PostgreSQL schema, as numbered migrations recorded in `zixly_migrations`. Frozen once merged.
enum PostgresMigrations {
    static let all: [(identifier: String, sql: [String])] = [
        (
            "0001_jobs",
            [
                """
                CREATE TABLE jobs (
                    id                TEXT PRIMARY KEY,
                    tenant            TEXT NOT NULL,
                    job_type          TEXT NOT NULL,
                    state             TEXT NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
                    parameters        TEXT NOT NULL,
                    priority          INTEGER NOT NULL DEFAULT 0,
                    attempt           INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
                    max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
                    run_at            TIMESTAMPTZ NOT NULL,
                    created_at        TIMESTAMPTZ NOT NULL,
                    started_at        TIMESTAMPTZ,
                    finished_at       TIMESTAMPTZ,
                    lease_owner       TEXT,
                    lease_expires_at  TIMESTAMPTZ,
                    cancel_requested  BOOLEAN NOT NULL DEFAULT FALSE,
                    progress_percent  INTEGER CHECK (progress_percent BETWEEN 0 AND 100),
                    progress_message  TEXT,
                    error_message     TEXT,
                    result_summary    TEXT,
                    idempotency_key   TEXT,
                    trace_parent      TEXT,
                    CHECK ((finished_at IS NOT NULL) = (state IN ('completed', 'failed', 'cancelled'))),
                    CHECK ((state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
                )
                """,
                "CREATE UNIQUE INDEX jobs_tenant_idempotency_key ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL",
                "CREATE INDEX jobs_claimable ON jobs (priority, run_at, created_at) WHERE state = 'queued'",
                "CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE state = 'running'",
                "CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL",
                "CREATE INDEX jobs_created_at ON jobs (created_at)",
                """
                CREATE TABLE sweep_runs (
                    sweep_run_id            TEXT PRIMARY KEY,
                    job_id                  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    ticker                  TEXT NOT NULL,
                    strategy                TEXT NOT NULL CHECK (strategy IN ('sma', 'ema', 'macd')),
                    total_combinations      INTEGER NOT NULL,
                    ranked_combinations     INTEGER NOT NULL,
                    execution_time_seconds  DOUBLE PRECISION NOT NULL,
                    artifact_key            TEXT NOT NULL,
                    created_at              TIMESTAMPTZ NOT NULL
                )
                """,
                "CREATE INDEX sweep_runs_job ON sweep_runs (job_id, created_at)",
                """
                CREATE TABLE trading_sweep_results (
                    sweep_run_id        TEXT NOT NULL REFERENCES sweep_runs (sweep_run_id) ON DELETE CASCADE,
                    job_id              TEXT NOT NULL,
                    fast_period         INTEGER NOT NULL,
                    slow_period         INTEGER NOT NULL,
                    score               DOUBLE PRECISION,
                    sharpe_ratio        DOUBLE PRECISION,
                    sortino_ratio       DOUBLE PRECISION,
                    total_return_pct    DOUBLE PRECISION,
                    annualized_return   DOUBLE PRECISION,
                    max_drawdown_pct    DOUBLE PRECISION,
                    win_rate_pct        DOUBLE PRECISION,
                    profit_factor       DOUBLE PRECISION,
                    total_trades        INTEGER NOT NULL,
                    closed_trades       INTEGER NOT NULL,
                    trades_per_month    DOUBLE PRECISION,
                    avg_trade_duration  DOUBLE PRECISION,
                    is_ranked           BOOLEAN NOT NULL,
                    PRIMARY KEY (sweep_run_id, fast_period, slow_period)
                )
                """,
                "CREATE INDEX trading_sweep_results_job ON trading_sweep_results (job_id)",
                """
                CREATE TABLE api_keys (
                    id          TEXT PRIMARY KEY,
                    name        TEXT NOT NULL,
                    key_hash    TEXT NOT NULL UNIQUE,
                    role        TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
                    tenant      TEXT NOT NULL,
                    created_at  TIMESTAMPTZ NOT NULL,
                    revoked_at  TIMESTAMPTZ
                )
                """,
            ]
        ),
        (
            "0002_outbound_webhooks",
            [
                """
                CREATE TABLE webhook_endpoints (
                    id           TEXT PRIMARY KEY,
                    tenant       TEXT NOT NULL,
                    url          TEXT NOT NULL,
                    events       TEXT NOT NULL,
                    secret       TEXT NOT NULL,
                    description  TEXT NOT NULL DEFAULT '',
                    created_at   TIMESTAMPTZ NOT NULL,
                    deleted_at   TIMESTAMPTZ
                )
                """,
                "CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant, created_at) WHERE deleted_at IS NULL",
                """
                CREATE TABLE job_events (
                    id             TEXT PRIMARY KEY,
                    job_id         TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    tenant         TEXT NOT NULL,
                    event_type     TEXT NOT NULL,
                    occurred_at    TIMESTAMPTZ NOT NULL,
                    dispatched_at  TIMESTAMPTZ
                )
                """,
                "CREATE INDEX job_events_undispatched ON job_events (occurred_at) WHERE dispatched_at IS NULL",
                "CREATE INDEX job_events_job ON job_events (job_id)",
                // The outbox: every final transition writes its event in the transaction that makes it.
                """
                CREATE FUNCTION zixly_job_final_event() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO job_events (id, job_id, tenant, event_type, occurred_at)
                    VALUES ('msg_' || replace(gen_random_uuid()::text, '-', ''), NEW.id, NEW.tenant, 'job.' || NEW.state, NEW.finished_at);
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER jobs_final_event AFTER UPDATE OF state ON jobs FOR EACH ROW
                WHEN (NEW.state IN ('completed', 'failed', 'cancelled') AND OLD.state <> NEW.state)
                EXECUTE FUNCTION zixly_job_final_event()
                """,
                """
                CREATE TABLE webhook_deliveries (
                    id                TEXT PRIMARY KEY,
                    event_id          TEXT NOT NULL REFERENCES job_events (id) ON DELETE CASCADE,
                    endpoint_id       TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                    tenant            TEXT NOT NULL,
                    event_type        TEXT NOT NULL,
                    payload           TEXT NOT NULL,
                    status            TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
                    attempts          INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at   TIMESTAMPTZ,
                    last_status_code  INTEGER,
                    last_error        TEXT,
                    created_at        TIMESTAMPTZ NOT NULL,
                    updated_at        TIMESTAMPTZ NOT NULL,
                    replay_of         TEXT,
                    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
                )
                """,
                "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'",
                "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at)",
                "CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id)",
                """
                CREATE TABLE webhook_delivery_attempts (
                    delivery_id       TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
                    number            INTEGER NOT NULL,
                    attempted_at      TIMESTAMPTZ NOT NULL,
                    duration_seconds  DOUBLE PRECISION NOT NULL,
                    status_code       INTEGER,
                    error             TEXT,
                    response_body     TEXT,
                    PRIMARY KEY (delivery_id, number)
                )
                """,
            ]
        ),
        // Claims order by (priority, run_at, created_at, id): with id in the index, a claim reads
        // the first queued row instead of sorting every job enqueued in the same instant.
        (
            "0003_claim_index",
            [
                "DROP INDEX jobs_claimable",
                "CREATE INDEX jobs_claimable ON jobs (priority, run_at, created_at, id) WHERE state = 'queued'",
            ]
        ),
        // An event only for a tenant with a live endpoint: with no subscriber, ending a job writes nothing more.
        (
            "0004_events_for_subscribers",
            [
                """
                CREATE OR REPLACE FUNCTION zixly_job_final_event() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE tenant = NEW.tenant AND deleted_at IS NULL) THEN
                        INSERT INTO job_events (id, job_id, tenant, event_type, occurred_at)
                        VALUES ('msg_' || replace(gen_random_uuid()::text, '-', ''), NEW.id, NEW.tenant, 'job.' || NEW.state, NEW.finished_at);
                    END IF;
                    RETURN NULL;
                END
                $$
                """
            ]
        ),
        (
            "0005_users",
            [
                """
                CREATE TABLE users (
                    id            TEXT PRIMARY KEY,
                    username      TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
                    tenant        TEXT NOT NULL,
                    created_at    TIMESTAMPTZ NOT NULL,
                    disabled_at   TIMESTAMPTZ
                )
                """
            ]
        ),
        // Each failed attempt of a job (JSON array); inbound signing secrets added or retired at run time.
        (
            "0006_attempt_errors_and_signing_secrets",
            [
                "ALTER TABLE jobs ADD COLUMN attempt_errors TEXT NOT NULL DEFAULT '[]'",
                """
                CREATE TABLE webhook_signing_secrets (
                    fingerprint   TEXT PRIMARY KEY,
                    secret        TEXT,
                    created_at    TIMESTAMPTZ NOT NULL,
                    expires_at    TIMESTAMPTZ
                )
                """,
            ]
        ),
        // A worker's results and its next claim in one call (ADR 0018). In a function so that its
        // query is planned once per connection: as a prepared statement PostgreSQL planned it at
        // every call (about 0.4 ms), since the generic plan's estimate for `LIMIT $8` (a tenth of
        // the queued rows) never beat the custom plans'. The settings keep that one generic plan
        // on the indexes, whatever the statistics say.
        ("0007_complete_and_claim", [completeAndClaimFunction(version: 1)]),
        // Server-side sign-out: a session is valid only while its identity's generation is unchanged.
        (
            "0008_session_generations",
            [
                """
                CREATE TABLE session_generations (
                    subject       TEXT PRIMARY KEY,
                    generation    BIGINT NOT NULL CHECK (generation > 0)
                )
                """
            ]
        ),
        // Statistics computed once, when results are written; an index per sortable column, so
        // that a page of results reads a page of rows (the primary key serves fast_period).
        (
            "0009_result_statistics_and_sort_indexes",
            [
                "ALTER TABLE sweep_runs ADD COLUMN statistics TEXT",
                "CREATE INDEX trading_sweep_results_by_score ON trading_sweep_results (sweep_run_id, score, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_sharpe_ratio ON trading_sweep_results (sweep_run_id, sharpe_ratio, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_sortino_ratio ON trading_sweep_results (sweep_run_id, sortino_ratio, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_total_return_pct ON trading_sweep_results (sweep_run_id, total_return_pct, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_annualized_return ON trading_sweep_results (sweep_run_id, annualized_return, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_max_drawdown_pct ON trading_sweep_results (sweep_run_id, max_drawdown_pct, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_win_rate_pct ON trading_sweep_results (sweep_run_id, win_rate_pct, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_profit_factor ON trading_sweep_results (sweep_run_id, profit_factor, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_total_trades ON trading_sweep_results (sweep_run_id, total_trades, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_trades_per_month ON trading_sweep_results (sweep_run_id, trades_per_month, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_avg_trade_duration ON trading_sweep_results (sweep_run_id, avg_trade_duration, fast_period, slow_period)",
                "CREATE INDEX trading_sweep_results_by_slow_period ON trading_sweep_results (sweep_run_id, slow_period, fast_period)",
            ]
        ),
        // Named queues, and outbound webhook deliveries as jobs on the one queue table (ADR 0020):
        // a delivery row queues a `webhook.deliver` job in the `webhooks` queue in the same
        // transaction (and wakes the workers at commit), and a job's final transition writes its
        // event and deliveries in its own. Pending deliveries and events not yet fanned out are
        // carried over. Claims name their queue (`zixly_complete_and_claim_v2`); v1, which did
        // not, is dropped, so a worker of the previous version fails its claims until it is
        // replaced rather than taking deliveries it has no handler for.
        (
            "0010_queues_and_delivery_jobs",
            [
                "ALTER TABLE jobs ADD COLUMN queue TEXT NOT NULL DEFAULT 'default'",
                "DROP INDEX jobs_claimable",
                "CREATE INDEX jobs_claimable ON jobs (queue, priority, run_at, created_at, id) WHERE state = 'queued'",
                """
                INSERT INTO jobs (id, tenant, job_type, queue, state, parameters, priority, attempt, max_attempts, run_at, created_at)
                SELECT gen_random_uuid()::text, tenant, 'webhook.deliver', 'webhooks', 'queued', json_build_object('delivery_id', id)::text,
                       0, 0, \(deliveryMaxAttempts), next_attempt_at, created_at
                FROM webhook_deliveries WHERE status = 'pending'
                """,
                """
                CREATE FUNCTION zixly_delivery_job() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO jobs (id, tenant, job_type, queue, state, parameters, priority, attempt, max_attempts, run_at, created_at)
                    VALUES (gen_random_uuid()::text, NEW.tenant, 'webhook.deliver', 'webhooks', 'queued',
                            json_build_object('delivery_id', NEW.id)::text, 0, 0, \(deliveryMaxAttempts), NEW.next_attempt_at, NEW.created_at);
                    PERFORM pg_notify('\(PostgresWakeupListener.channel)', '');
                    RETURN NULL;
                END
                $$
                """,
                "CREATE TRIGGER webhook_deliveries_job AFTER INSERT ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION zixly_delivery_job()",
                """
                INSERT INTO webhook_deliveries (id, event_id, endpoint_id, tenant, event_type, payload, status, attempts,
                                                next_attempt_at, created_at, updated_at)
                SELECT 'dlv_' || replace(gen_random_uuid()::text, '-', ''), ev.id, e.id, ev.tenant, ev.event_type, '', 'pending', 0,
                       ev.occurred_at, ev.occurred_at, ev.occurred_at
                FROM job_events ev JOIN webhook_endpoints e
                  ON e.tenant = ev.tenant AND e.deleted_at IS NULL AND (',' || e.events || ',') LIKE ('%,' || ev.event_type || ',%')
                WHERE ev.dispatched_at IS NULL
                """,
                "UPDATE job_events SET dispatched_at = occurred_at WHERE dispatched_at IS NULL",
                "DROP INDEX job_events_undispatched",
                """
                CREATE OR REPLACE FUNCTION zixly_job_final_event() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    event_id TEXT := 'msg_' || replace(gen_random_uuid()::text, '-', '');
                    event_type TEXT := 'job.' || NEW.state;
                BEGIN
                    IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE tenant = NEW.tenant AND deleted_at IS NULL
                               AND (',' || events || ',') LIKE ('%,' || event_type || ',%')) THEN
                        INSERT INTO job_events (id, job_id, tenant, event_type, occurred_at, dispatched_at)
                        VALUES (event_id, NEW.id, NEW.tenant, event_type, NEW.finished_at, NEW.finished_at);
                        INSERT INTO webhook_deliveries (id, event_id, endpoint_id, tenant, event_type, payload, status, attempts,
                                                        next_attempt_at, created_at, updated_at)
                        SELECT 'dlv_' || replace(gen_random_uuid()::text, '-', ''), event_id, e.id, NEW.tenant, event_type, '', 'pending', 0,
                               NEW.finished_at, NEW.finished_at, NEW.finished_at
                        FROM webhook_endpoints e
                        WHERE e.tenant = NEW.tenant AND e.deleted_at IS NULL AND (',' || e.events || ',') LIKE ('%,' || event_type || ',%');
                    END IF;
                    RETURN NULL;
                END
                $$
                """,
                "DROP TRIGGER jobs_final_event ON jobs",
                """
                CREATE TRIGGER jobs_final_event AFTER UPDATE OF state ON jobs FOR EACH ROW
                WHEN (NEW.state IN ('completed', 'failed', 'cancelled') AND OLD.state <> NEW.state AND NEW.queue <> 'webhooks')
                EXECUTE FUNCTION zixly_job_final_event()
                """,
                completeAndClaimFunction(version: 2),
                "DROP FUNCTION zixly_complete_and_claim_v1",
            ]
        ),
        (
            "0011_datasets",
            [
                """
                CREATE TABLE datasets (
                    tenant        TEXT             NOT NULL,
                    ticker        TEXT             NOT NULL,
                    version       INTEGER          NOT NULL CHECK (version > 0),
                    sha256        TEXT             NOT NULL,
                    bars          INTEGER          NOT NULL,
                    first_bar     TEXT             NOT NULL,
                    last_bar      TEXT             NOT NULL,
                    frequency     TEXT             NOT NULL,
                    bars_per_year DOUBLE PRECISION NOT NULL,
                    bytes         BIGINT           NOT NULL,
                    artifact_key  TEXT             NOT NULL,
                    created_at    TIMESTAMPTZ      NOT NULL,
                    PRIMARY KEY (tenant, ticker, version)
                )
                """
            ]
        ),
        (
            "0012_job_children",
            [
                """
                CREATE TABLE job_children (
                    child_id  TEXT NOT NULL PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
                    parent_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                    label     TEXT NOT NULL,
                    UNIQUE (parent_id, label)
                )
                """
            ]
        ),
    ]

    /// The settings `zixly_complete_and_claim_v1` runs under (frozen with migration 0007).
    static let completeAndClaimSettings: [(name: String, value: String)] = [
        ("plan_cache_mode", "force_generic_plan"), ("enable_seqscan", "off"), ("enable_sort", "off"),
    ]

    /// Attempts a delivery job may take: its handler's retry schedule ends it first (at most
    /// `ZIXLY_WEBHOOK_RETRY_SCHEDULE`'s 24 delays + 1); this bounds retries after lost leases.
    /// Frozen with migration 0010.
    static let deliveryMaxAttempts = 50

    /// `zixly_complete_and_claim_v<version>` (v1 frozen with migration 0007, v2 with 0010): completes
    /// the jobs of $1–$4 (ids, lease owners, attempts, summaries) whose lease holds, at $5; claims
    /// up to $8 queued jobs (v2: of queue $9) for worker $6 with leases until $7. One row per
    /// claimed job (or one of NULLs), each with the ids completed.
    static func completeAndClaimFunction(version: Int) -> String {
        let byQueue = version >= 2
        return """
            CREATE FUNCTION zixly_complete_and_claim_v\(version)(
                TEXT[], TEXT[], INT8[], TEXT[], TIMESTAMPTZ, TEXT, TIMESTAMPTZ, INT8\(byQueue ? ", TEXT" : ""))
            RETURNS TABLE (
                completed_ids TEXT[], id TEXT, tenant TEXT, job_type TEXT, state TEXT, parameters TEXT, priority INTEGER,
                attempt INTEGER, max_attempts INTEGER, run_at TIMESTAMPTZ, created_at TIMESTAMPTZ, started_at TIMESTAMPTZ,
                finished_at TIMESTAMPTZ, lease_owner TEXT, lease_expires_at TIMESTAMPTZ, cancel_requested BOOLEAN,
                progress_percent INTEGER, progress_message TEXT, error_message TEXT, result_summary TEXT,
                idempotency_key TEXT, trace_parent TEXT, attempt_errors TEXT\(byQueue ? ", queue TEXT" : ""))
            LANGUAGE plpgsql
            \(completeAndClaimSettings.map { "SET \($0.name) = \($0.value)" }.joined(separator: "\n"))
            AS $body$
            #variable_conflict use_column
            BEGIN
                RETURN QUERY
            WITH completed AS (
                UPDATE jobs
                SET state = 'completed', finished_at = $5, result_summary = v.summary, progress_percent = 100,
                    lease_owner = NULL, lease_expires_at = NULL, error_message = NULL
                FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[]) AS v(id, owner, attempt, summary)
                WHERE jobs.id = v.id AND jobs.lease_owner = v.owner AND jobs.attempt = v.attempt
                RETURNING jobs.id
            ), claimed AS (
                UPDATE jobs
                SET state = 'running', attempt = jobs.attempt + 1, lease_owner = $6, lease_expires_at = $7, started_at = $5,
                    cancel_requested = FALSE, progress_percent = 0, progress_message = NULL
                WHERE jobs.id = ANY(ARRAY(
                    SELECT queued.id FROM jobs AS queued
                    WHERE queued.state = 'queued'\(byQueue ? " AND queued.queue = $9" : "") AND queued.run_at <= $5
                    ORDER BY queued.priority, queued.run_at, queued.created_at, queued.id LIMIT $8
                    FOR UPDATE SKIP LOCKED))
                RETURNING jobs.id, jobs.tenant, jobs.job_type, jobs.state, jobs.parameters, jobs.priority, jobs.attempt,
                    jobs.max_attempts, jobs.run_at, jobs.created_at, jobs.started_at, jobs.finished_at, jobs.lease_owner,
                    jobs.lease_expires_at, jobs.cancel_requested, jobs.progress_percent, jobs.progress_message,
                    jobs.error_message, jobs.result_summary, jobs.idempotency_key, jobs.trace_parent, jobs.attempt_errors\(byQueue ? ", jobs.queue" : "")
            )
            SELECT ARRAY(SELECT completed.id FROM completed), claimed.*
            FROM (VALUES (TRUE)) AS one_row LEFT JOIN claimed ON TRUE;
            END
            $body$
            """
    }
}
