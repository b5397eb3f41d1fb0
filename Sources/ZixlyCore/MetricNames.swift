/// Every metric Zixly exports (DESIGN §6), in one place for the code, the docs and the test that
/// checks the alert rules and dashboards only use what is exported.
public enum MetricNames {
    // HTTP, labelled {method, route, status_code}; the route is the template, never the raw path.
    public static let httpRequests = "http_requests_total"
    public static let httpRequestDuration = "http_request_duration_seconds"

    // The queue, from the processes that act on it.
    /// Jobs created (not duplicates), {job_type}.
    public static let jobsQueued = "pipeline_jobs_queued_total"
    /// Claims, i.e. attempts started, {job_type}.
    public static let jobAttempts = "pipeline_job_attempts_total"
    /// How attempts ended, {job_type, status}: completed, failed (final), retried, cancelled, lease_lost.
    public static let jobsProcessed = "pipeline_jobs_processed_total"
    /// Time from the start of an attempt to its end, {job_type, status}.
    public static let jobDuration = "pipeline_job_duration_seconds"
    /// Time a job waited claimable before a worker took it, {job_type}.
    public static let jobQueueWait = "pipeline_job_queue_wait_seconds"
    /// Jobs the rescuer took back from a worker whose lease ran out.
    public static let leaseExpired = "pipeline_job_lease_expired_total"
    /// Jobs running in this worker process, and how many it may run at once.
    public static let workerActiveJobs = "pipeline_worker_active_jobs"
    public static let workerSlots = "pipeline_worker_slots"

    // The queue as the store sees it, refreshed by every process (identical across replicas).
    /// Jobs in the store, {status}.
    public static let jobs = "pipeline_jobs"
    public static let oldestQueuedAge = "pipeline_job_oldest_queued_age_seconds"
    /// Running jobs whose lease has run out and no rescuer has requeued yet.
    public static let jobsPastLease = "pipeline_jobs_past_lease"
    /// 1 when the last read of the store succeeded, else 0.
    public static let databaseUp = "zixly_database_up"

    // Sweeps, {strategy}.
    public static let sweepCombinations = "pipeline_sweep_combinations_total"
    public static let sweepDuration = "pipeline_sweep_duration_seconds"

    // Webhooks.
    /// Inbound webhooks refused, {reason}.
    public static let webhookRejected = "webhook_rejected_total"
    /// Outbound delivery attempts, {outcome}: delivered, retrying, failed.
    public static let webhookDeliveries = "webhook_deliveries_total"

    // The process.
    public static let buildInfo = "zixly_build_info"
    public static let residentMemory = "process_resident_memory_bytes"
    public static let virtualMemory = "process_virtual_memory_bytes"
    public static let memoryLimit = "process_memory_limit_bytes"
    public static let cpuSeconds = "process_cpu_seconds_total"
    public static let openFileDescriptors = "process_open_fds"
    public static let maxFileDescriptors = "process_max_fds"
    public static let startTime = "process_start_time_seconds"
}
