import GRDB

/// The embedded store's schema, as numbered migrations. A migration is frozen once merged:
/// change the schema by adding the next number, never by editing one.
enum SQLiteMigrations {
    static let all: [(identifier: String, sql: String)] = [
        (
            "0001_jobs",
            """
            CREATE TABLE jobs (
                id                TEXT PRIMARY KEY NOT NULL,
                tenant            TEXT NOT NULL,
                job_type          TEXT NOT NULL,
                state             TEXT NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
                parameters        TEXT NOT NULL,
                priority          INTEGER NOT NULL DEFAULT 0,
                attempt           INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
                max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
                run_at            REAL NOT NULL,
                created_at        REAL NOT NULL,
                started_at        REAL,
                finished_at       REAL,
                lease_owner       TEXT,
                lease_expires_at  REAL,
                cancel_requested  INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
                progress_percent  INTEGER CHECK (progress_percent BETWEEN 0 AND 100),
                progress_message  TEXT,
                error_message     TEXT,
                result_summary    TEXT,
                idempotency_key   TEXT,
                trace_parent      TEXT,
                CHECK ((finished_at IS NOT NULL) = (state IN ('completed', 'failed', 'cancelled'))),
                CHECK ((state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
            );
            CREATE UNIQUE INDEX jobs_tenant_idempotency_key ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE INDEX jobs_claimable ON jobs (priority, run_at, created_at) WHERE state = 'queued';
            CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE state = 'running';
            CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;
            CREATE INDEX jobs_created_at ON jobs (created_at);

            CREATE TABLE sweep_runs (
                sweep_run_id            TEXT PRIMARY KEY NOT NULL,
                job_id                  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                ticker                  TEXT NOT NULL,
                strategy                TEXT NOT NULL CHECK (strategy IN ('sma', 'ema', 'macd')),
                total_combinations      INTEGER NOT NULL,
                ranked_combinations     INTEGER NOT NULL,
                execution_time_seconds  REAL NOT NULL,
                artifact_key            TEXT NOT NULL,
                created_at              REAL NOT NULL
            );
            CREATE INDEX sweep_runs_job ON sweep_runs (job_id, created_at);

            CREATE TABLE trading_sweep_results (
                sweep_run_id        TEXT NOT NULL REFERENCES sweep_runs (sweep_run_id) ON DELETE CASCADE,
                job_id              TEXT NOT NULL,
                fast_period         INTEGER NOT NULL,
                slow_period         INTEGER NOT NULL,
                score               REAL,
                sharpe_ratio        REAL,
                sortino_ratio       REAL,
                total_return_pct    REAL,
                annualized_return   REAL,
                max_drawdown_pct    REAL,
                win_rate_pct        REAL,
                profit_factor       REAL,
                total_trades        INTEGER NOT NULL,
                closed_trades       INTEGER NOT NULL,
                trades_per_month    REAL,
                avg_trade_duration  REAL,
                is_ranked           INTEGER NOT NULL CHECK (is_ranked IN (0, 1)),
                PRIMARY KEY (sweep_run_id, fast_period, slow_period)
            );
            CREATE INDEX trading_sweep_results_job ON trading_sweep_results (job_id);

            CREATE TABLE api_keys (
                id          TEXT PRIMARY KEY NOT NULL,
                name        TEXT NOT NULL,
                key_hash    TEXT NOT NULL UNIQUE,
                role        TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
                tenant      TEXT NOT NULL,
                created_at  REAL NOT NULL,
                revoked_at  REAL
            );
            """
        ),
        (
            "0002_outbound_webhooks",
            """
            CREATE TABLE webhook_endpoints (
                id           TEXT PRIMARY KEY NOT NULL,
                tenant       TEXT NOT NULL,
                url          TEXT NOT NULL,
                events       TEXT NOT NULL,
                secret       TEXT NOT NULL,
                description  TEXT NOT NULL DEFAULT '',
                created_at   REAL NOT NULL,
                deleted_at   REAL
            );
            CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant, created_at) WHERE deleted_at IS NULL;

            CREATE TABLE job_events (
                id             TEXT PRIMARY KEY NOT NULL,
                job_id         TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                tenant         TEXT NOT NULL,
                event_type     TEXT NOT NULL,
                occurred_at    REAL NOT NULL,
                dispatched_at  REAL
            );
            CREATE INDEX job_events_undispatched ON job_events (occurred_at) WHERE dispatched_at IS NULL;
            CREATE INDEX job_events_job ON job_events (job_id);

            -- The outbox: every final transition writes its event in the transaction that makes it.
            CREATE TRIGGER jobs_final_event AFTER UPDATE OF state ON jobs
            WHEN NEW.state IN ('completed', 'failed', 'cancelled') AND OLD.state <> NEW.state
            BEGIN
                INSERT INTO job_events (id, job_id, tenant, event_type, occurred_at)
                VALUES ('msg_' || lower(hex(randomblob(16))), NEW.id, NEW.tenant, 'job.' || NEW.state, NEW.finished_at);
            END;

            CREATE TABLE webhook_deliveries (
                id                TEXT PRIMARY KEY NOT NULL,
                event_id          TEXT NOT NULL REFERENCES job_events (id) ON DELETE CASCADE,
                endpoint_id       TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                tenant            TEXT NOT NULL,
                event_type        TEXT NOT NULL,
                payload           TEXT NOT NULL,
                status            TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
                attempts          INTEGER NOT NULL DEFAULT 0,
                next_attempt_at   REAL,
                last_status_code  INTEGER,
                last_error        TEXT,
                created_at        REAL NOT NULL,
                updated_at        REAL NOT NULL,
                replay_of         TEXT,
                CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
            );
            CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
            CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

            CREATE TABLE webhook_delivery_attempts (
                delivery_id       TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
                number            INTEGER NOT NULL,
                attempted_at      REAL NOT NULL,
                duration_seconds  REAL NOT NULL,
                status_code       INTEGER,
                error             TEXT,
                response_body     TEXT,
                PRIMARY KEY (delivery_id, number)
            );
            """
        ),
        // Claims order by (priority, run_at, created_at, id): with id in the index, a claim reads
        // the first queued row instead of sorting every job enqueued in the same instant.
        (
            "0003_claim_index",
            """
            DROP INDEX jobs_claimable;
            CREATE INDEX jobs_claimable ON jobs (priority, run_at, created_at, id) WHERE state = 'queued';
            """
        ),
        // An event only for a tenant with a live endpoint: with no subscriber, ending a job writes nothing more.
        (
            "0004_events_for_subscribers",
            """
            DROP TRIGGER jobs_final_event;
            CREATE TRIGGER jobs_final_event AFTER UPDATE OF state ON jobs
            WHEN NEW.state IN ('completed', 'failed', 'cancelled') AND OLD.state <> NEW.state
            BEGIN
                INSERT INTO job_events (id, job_id, tenant, event_type, occurred_at)
                SELECT 'msg_' || lower(hex(randomblob(16))), NEW.id, NEW.tenant, 'job.' || NEW.state, NEW.finished_at
                WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE tenant = NEW.tenant AND deleted_at IS NULL);
            END;
            """
        ),
        (
            "0005_users",
            """
            CREATE TABLE users (
                id            TEXT PRIMARY KEY NOT NULL,
                username      TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
                tenant        TEXT NOT NULL,
                created_at    REAL NOT NULL,
                disabled_at   REAL
            );
            """
        ),
        // Each failed attempt of a job (JSON array); inbound signing secrets added or retired at run time.
        (
            "0006_attempt_errors_and_signing_secrets",
            """
            ALTER TABLE jobs ADD COLUMN attempt_errors TEXT NOT NULL DEFAULT '[]';
            CREATE TABLE webhook_signing_secrets (
                fingerprint   TEXT PRIMARY KEY NOT NULL,
                secret        TEXT,
                created_at    REAL NOT NULL,
                expires_at    REAL
            );
            """
        ),
        // Server-side sign-out: a session is valid only while its identity's generation is unchanged.
        (
            "0007_session_generations",
            """
            CREATE TABLE session_generations (
                subject       TEXT PRIMARY KEY NOT NULL,
                generation    INTEGER NOT NULL CHECK (generation > 0)
            );
            """
        ),
        // Statistics computed once, when results are written; an index per sortable column, so
        // that a page of results reads a page of rows (the primary key serves fast_period).
        (
            "0008_result_statistics_and_sort_indexes",
            """
            ALTER TABLE sweep_runs ADD COLUMN statistics TEXT;
            CREATE INDEX trading_sweep_results_by_score ON trading_sweep_results (sweep_run_id, score, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_sharpe_ratio ON trading_sweep_results (sweep_run_id, sharpe_ratio, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_sortino_ratio ON trading_sweep_results (sweep_run_id, sortino_ratio, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_total_return_pct ON trading_sweep_results (sweep_run_id, total_return_pct, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_annualized_return ON trading_sweep_results (sweep_run_id, annualized_return, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_max_drawdown_pct ON trading_sweep_results (sweep_run_id, max_drawdown_pct, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_win_rate_pct ON trading_sweep_results (sweep_run_id, win_rate_pct, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_profit_factor ON trading_sweep_results (sweep_run_id, profit_factor, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_total_trades ON trading_sweep_results (sweep_run_id, total_trades, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_trades_per_month ON trading_sweep_results (sweep_run_id, trades_per_month, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_avg_trade_duration ON trading_sweep_results (sweep_run_id, avg_trade_duration, fast_period, slow_period);
            CREATE INDEX trading_sweep_results_by_slow_period ON trading_sweep_results (sweep_run_id, slow_period, fast_period);
            """
        ),
        // Named queues, and outbound webhook deliveries as jobs on the one queue table (ADR 0020):
        // a delivery row queues a `webhook.deliver` job in the `webhooks` queue in the same
        // transaction, and a job's final transition writes its event and deliveries in its own.
        // Pending deliveries and events not yet fanned out are carried over.
        (
            "0009_queues_and_delivery_jobs",
            """
            ALTER TABLE jobs ADD COLUMN queue TEXT NOT NULL DEFAULT 'default';
            DROP INDEX jobs_claimable;
            CREATE INDEX jobs_claimable ON jobs (queue, priority, run_at, created_at, id) WHERE state = 'queued';

            INSERT INTO jobs (id, tenant, job_type, queue, state, parameters, priority, attempt, max_attempts, run_at, created_at)
            SELECT \(uuidSQL), tenant, 'webhook.deliver', 'webhooks', 'queued', json_object('delivery_id', id), 0, 0,
                   \(deliveryMaxAttempts), next_attempt_at, created_at
            FROM webhook_deliveries WHERE status = 'pending';

            CREATE TRIGGER webhook_deliveries_job AFTER INSERT ON webhook_deliveries
            BEGIN
                INSERT INTO jobs (id, tenant, job_type, queue, state, parameters, priority, attempt, max_attempts, run_at, created_at)
                VALUES (\(uuidSQL), NEW.tenant, 'webhook.deliver', 'webhooks', 'queued', json_object('delivery_id', NEW.id), 0, 0,
                        \(deliveryMaxAttempts), NEW.next_attempt_at, NEW.created_at);
            END;

            INSERT INTO webhook_deliveries (id, event_id, endpoint_id, tenant, event_type, payload, status, attempts,
                                            next_attempt_at, created_at, updated_at)
            SELECT 'dlv_' || lower(hex(randomblob(16))), ev.id, e.id, ev.tenant, ev.event_type, '', 'pending', 0,
                   ev.occurred_at, ev.occurred_at, ev.occurred_at
            FROM job_events ev JOIN webhook_endpoints e
              ON e.tenant = ev.tenant AND e.deleted_at IS NULL AND instr(',' || e.events || ',', ',' || ev.event_type || ',') > 0
            WHERE ev.dispatched_at IS NULL;
            UPDATE job_events SET dispatched_at = occurred_at WHERE dispatched_at IS NULL;
            DROP INDEX job_events_undispatched;

            DROP TRIGGER jobs_final_event;
            CREATE TRIGGER jobs_final_event AFTER UPDATE OF state ON jobs
            WHEN NEW.state IN ('completed', 'failed', 'cancelled') AND OLD.state <> NEW.state AND NEW.queue <> 'webhooks'
                AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE tenant = NEW.tenant AND deleted_at IS NULL
                            AND instr(',' || events || ',', ',job.' || NEW.state || ',') > 0)
            BEGIN
                INSERT INTO job_events (id, job_id, tenant, event_type, occurred_at, dispatched_at)
                VALUES ('msg_' || lower(hex(randomblob(16))), NEW.id, NEW.tenant, 'job.' || NEW.state, NEW.finished_at, NEW.finished_at);
                INSERT INTO webhook_deliveries (id, event_id, endpoint_id, tenant, event_type, payload, status, attempts,
                                                next_attempt_at, created_at, updated_at)
                SELECT 'dlv_' || lower(hex(randomblob(16))), (SELECT id FROM job_events WHERE job_id = NEW.id ORDER BY rowid DESC LIMIT 1),
                       e.id, NEW.tenant, 'job.' || NEW.state, '', 'pending', 0, NEW.finished_at, NEW.finished_at, NEW.finished_at
                FROM webhook_endpoints e
                WHERE e.tenant = NEW.tenant AND e.deleted_at IS NULL AND instr(',' || e.events || ',', ',job.' || NEW.state || ',') > 0;
            END;
            """
        ),
        (
            "0010_datasets",
            """
            CREATE TABLE datasets (
                tenant        TEXT    NOT NULL,
                ticker        TEXT    NOT NULL,
                version       INTEGER NOT NULL CHECK (version > 0),
                sha256        TEXT    NOT NULL,
                bars          INTEGER NOT NULL,
                first_bar     TEXT    NOT NULL,
                last_bar      TEXT    NOT NULL,
                frequency     TEXT    NOT NULL,
                bars_per_year REAL    NOT NULL,
                bytes         INTEGER NOT NULL,
                artifact_key  TEXT    NOT NULL,
                created_at    REAL    NOT NULL,
                PRIMARY KEY (tenant, ticker, version)
            ) WITHOUT ROWID;
            """
        ),
        (
            "0011_job_children",
            """
            CREATE TABLE job_children (
                child_id  TEXT NOT NULL PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
                parent_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                label     TEXT NOT NULL,
                UNIQUE (parent_id, label)
            ) WITHOUT ROWID;
            """
        ),
    ]

    /// A random version-4 UUID, lower case, as `JobID.random()` makes them.
    static let uuidSQL = """
        lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || \
        substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))
        """

    /// Attempts a delivery job may take: its handler's retry schedule ends it first (at most
    /// `ZIXLY_WEBHOOK_RETRY_SCHEDULE`'s 24 delays + 1); this bounds retries after lost leases.
    static let deliveryMaxAttempts = 50

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration(migration.identifier) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }
}
