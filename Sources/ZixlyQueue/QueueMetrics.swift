import Foundation
public import Metrics
public import ZixlyCore

/// The queue's metrics through swift-metrics, on the factory the process chose (no global
/// bootstrap: each application, and each test, has its own).
public struct QueueMetrics: Sendable {
    /// How an attempt ended, the `status` label of `pipeline_jobs_processed_total`.
    public enum AttemptEnd: String, Sendable, CaseIterable {
        case completed, failed, retried, cancelled
        /// Failed for good at once on what a retry cannot fix; outside the job success SLO.
        case rejected
        case leaseLost = "lease_lost"
    }

    let factory: any MetricsFactory
    /// Each job type's worker counters and timers, made once: a busy worker counts several
    /// times per job.
    private let jobTypes: MadeOnce<String, JobTypeMetrics>
    /// Each job type's enqueue counter, made once (an API process counts every webhook).
    private let queued: MadeOnce<String, Counter>
    /// The worker's gauges by label, made at its first report (an API process has no such series).
    private let gauges: MadeOnce<String, Gauge>
    /// False for a pool whose load is not the process's (see `WorkerPool.Configuration.reportsLoad`).
    private var reportsLoad = true

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        jobTypes = MadeOnce { JobTypeMetrics(jobType: $0, factory: factory) }
        queued = MadeOnce { Counter(label: MetricNames.jobsQueued, dimensions: [("job_type", $0)], factory: factory) }
        gauges = MadeOnce { Gauge(label: $0, factory: factory) }
    }

    public static let disabled = QueueMetrics()

    /// Creates a worker's counters and histograms at zero, so their series exist from the start
    /// (a rate over a series that appears only with its first event misses that event).
    func prepareWorker(jobTypes names: some Sequence<String>) {
        for jobType in names {
            let metrics = jobTypes[jobType]
            metrics.attempts.increment(by: 0)
            for counter in metrics.processed.values { counter.increment(by: 0) }
        }
    }

    /// The rescuer's counter at zero.
    public func prepareRescuer() {
        Counter(label: MetricNames.leaseExpired, factory: factory).increment(by: 0)
    }

    func enqueued(jobType: String) {
        queued[jobType].increment()
    }

    /// An attempt started at `now`; the job had been claimable since `runAt`.
    func claimed(_ job: Job, now: Date) {
        let metrics = jobTypes[job.jobType]
        metrics.attempts.increment()
        metrics.queueWait.recordSeconds(max(0, now.timeIntervalSince(job.runAt)))
    }

    /// An attempt that started at `startedAt` ended at `now`.
    func ended(_ job: Job, _ end: AttemptEnd, startedAt: Date, now: Date) {
        let metrics = jobTypes[job.jobType]
        metrics.processed[end]!.increment()
        metrics.duration[end]!.recordSeconds(max(0, now.timeIntervalSince(startedAt)))
    }

    /// These metrics without the worker-load gauges.
    var withoutLoad: QueueMetrics {
        var copy = self
        copy.reportsLoad = false
        return copy
    }

    func workerLoad(active: Int, slots: Int) {
        guard reportsLoad else { return }
        gauges[MetricNames.workerActiveJobs].record(active)
        gauges[MetricNames.workerSlots].record(slots)
    }

    public func leasesExpired(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: MetricNames.leaseExpired, factory: factory).increment(by: count)
    }

    func storeSnapshot(_ snapshot: QueueSnapshot) {
        for (state, count) in snapshot.counts {
            Gauge(label: MetricNames.jobs, dimensions: [("status", state.rawValue)], factory: factory).record(count)
        }
        Gauge(label: MetricNames.oldestQueuedAge, factory: factory).record(snapshot.oldestQueuedAge)
        Gauge(label: MetricNames.jobsPastLease, factory: factory).record(snapshot.pastLease)
        Gauge(label: MetricNames.databaseUp, factory: factory).record(1)
    }

    func storeUnreachable() {
        Gauge(label: MetricNames.databaseUp, factory: factory).record(0)
    }
}

/// What the store says about the queue at one instant.
public struct QueueSnapshot: Sendable, Equatable {
    public var counts: [JobState: Int]
    /// Seconds; 0 when nothing waits.
    public var oldestQueuedAge: Double
    public var pastLease: Int
}

/// One job type's worker metrics.
struct JobTypeMetrics: Sendable {
    let attempts: Counter
    let queueWait: Metrics.Timer
    let processed: [QueueMetrics.AttemptEnd: Counter]
    let duration: [QueueMetrics.AttemptEnd: Metrics.Timer]

    init(jobType: String, factory: any MetricsFactory) {
        attempts = Counter(label: MetricNames.jobAttempts, dimensions: [("job_type", jobType)], factory: factory)
        queueWait = Metrics.Timer(label: MetricNames.jobQueueWait, dimensions: [("job_type", jobType)], factory: factory)
        var processed: [QueueMetrics.AttemptEnd: Counter] = [:]
        var duration: [QueueMetrics.AttemptEnd: Metrics.Timer] = [:]
        for end in QueueMetrics.AttemptEnd.allCases {
            let dimensions = [("job_type", jobType), ("status", end.rawValue)]
            processed[end] = Counter(label: MetricNames.jobsProcessed, dimensions: dimensions, factory: factory)
            duration[end] = Metrics.Timer(label: MetricNames.jobDuration, dimensions: dimensions, factory: factory)
        }
        self.processed = processed
        self.duration = duration
    }
}
