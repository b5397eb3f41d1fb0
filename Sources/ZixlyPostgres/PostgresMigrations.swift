/// The PostgreSQL schema, as numbered migrations recorded in `zixly_migrations`. Frozen once merged.
enum PostgresMigrations {
    static let all: [(identifier: String, sql: [String])] = [
        ("0001_jobs", [
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
        ]),
        ("0002_outbound_webhooks", [
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
        ]),
        // Claims order by (priority, run_at, created_at, id): with id in the index, a claim reads
        // the first queued row instead of sorting every job enqueued in the same instant.
        ("0003_claim_index", [
            "DROP INDEX jobs_claimable",
            "CREATE INDEX jobs_claimable ON jobs (priority, run_at, created_at, id) WHERE state = 'queued'",
        ]),
        // An event only for a tenant with a live endpoint: with no subscriber, ending a job writes nothing more.
        ("0004_events_for_subscribers", [
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
            """,
        ]),
        ("0005_users", [
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
            """,
        ]),
        // Each failed attempt of a job (JSON array); inbound signing secrets added or retired at run time.
        ("0006_attempt_errors_and_signing_secrets", [
            "ALTER TABLE jobs ADD COLUMN attempt_errors TEXT NOT NULL DEFAULT '[]'",
            """
            CREATE TABLE webhook_signing_secrets (
                fingerprint   TEXT PRIMARY KEY,
                secret        TEXT,
                created_at    TIMESTAMPTZ NOT NULL,
                expires_at    TIMESTAMPTZ
            )
            """,
        ]),
    ]
}
