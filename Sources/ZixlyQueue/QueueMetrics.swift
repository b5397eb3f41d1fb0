import Foundation
import Metrics
import Synchronization
import ZixlyCore

/// The queue's metrics through swift-metrics, on the factory the process chose (no global
/// bootstrap: each application, and each test, has its own).
public struct QueueMetrics: Sendable {
    /// How an attempt ended, the `status` label of `pipeline_jobs_processed_total`.
    public enum AttemptEnd: String, Sendable, CaseIterable {
        case completed, failed, retried, cancelled
        case leaseLost = "lease_lost"
    }

    let factory: any MetricsFactory
    /// Each job type's counters and timers, made once: a busy worker counts several times per
    /// job, and making a metric looks it up in the registry under a lock and checks its name.
    private let jobTypes: JobTypeMetricsCache
    /// Made at a worker's first report (an API process has no such series).
    private let activeJobs: LazyGauge
    private let slots: LazyGauge

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        jobTypes = JobTypeMetricsCache(factory: factory)
        activeJobs = LazyGauge(label: MetricNames.workerActiveJobs, factory: factory)
        slots = LazyGauge(label: MetricNames.workerSlots, factory: factory)
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
        Counter(label: MetricNames.jobsQueued, dimensions: [("job_type", jobType)], factory: factory).increment()
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

    func workerLoad(active: Int, slots: Int) {
        activeJobs.gauge.record(active)
        self.slots.gauge.record(slots)
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

/// Job types' metrics, made on first use.
final class JobTypeMetricsCache: Sendable {
    private let factory: any MetricsFactory
    private let made = Mutex<[String: JobTypeMetrics]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    subscript(jobType: String) -> JobTypeMetrics {
        if let metrics = made.withLock({ $0[jobType] }) { return metrics }
        let metrics = JobTypeMetrics(jobType: jobType, factory: factory)
        return made.withLock { made in
            if let existing = made[jobType] { return existing }
            made[jobType] = metrics
            return metrics
        }
    }
}

/// A gauge made on first use.
final class LazyGauge: Sendable {
    private let label: String
    private let factory: any MetricsFactory
    private let made = Mutex<Gauge?>(nil)

    init(label: String, factory: any MetricsFactory) {
        self.label = label
        self.factory = factory
    }

    var gauge: Gauge {
        made.withLock { made in
            if let made { return made }
            let gauge = Gauge(label: label, factory: factory)
            made = gauge
            return gauge
        }
    }
}
