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
    ]
}
