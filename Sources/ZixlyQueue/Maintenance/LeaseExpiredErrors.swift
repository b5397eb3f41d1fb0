/// The error a job's attempt gets when its lease ran out, as SQL over the `jobs` row that both
/// stores' rescue statements use (`||` concatenation works in SQLite and PostgreSQL alike).
public enum LeaseExpiredErrors {
    /// The attempt will run again.
    public static let retryingSQL = "'lease expired: the worker stopped renewing it (attempt ' || attempt || ')'"
    /// It was the job's last attempt.
    public static let lastAttemptSQL = "'lease expired on the last attempt (' || attempt || ' of ' || max_attempts || ')'"
}
