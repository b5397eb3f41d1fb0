import Foundation
import Metrics
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

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    public static let disabled = QueueMetrics()

    /// Creates a worker's counters and histograms at zero, so their series exist from the start
    /// (a rate over a series that appears only with its first event misses that event).
    func prepareWorker(jobTypes: some Sequence<String>) {
        for jobType in jobTypes {
            Counter(label: MetricNames.jobAttempts, dimensions: [("job_type", jobType)], factory: factory).increment(by: 0)
            _ = Metrics.Timer(label: MetricNames.jobQueueWait, dimensions: [("job_type", jobType)], factory: factory)
            for end in AttemptEnd.allCases {
                let dimensions = [("job_type", jobType), ("status", end.rawValue)]
                Counter(label: MetricNames.jobsProcessed, dimensions: dimensions, factory: factory).increment(by: 0)
                _ = Metrics.Timer(label: MetricNames.jobDuration, dimensions: dimensions, factory: factory)
            }
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
        Counter(label: MetricNames.jobAttempts, dimensions: [("job_type", job.jobType)], factory: factory).increment()
        Metrics.Timer(label: MetricNames.jobQueueWait, dimensions: [("job_type", job.jobType)], factory: factory)
            .recordSeconds(max(0, now.timeIntervalSince(job.runAt)))
    }

    /// An attempt that started at `startedAt` ended at `now`.
    func ended(_ job: Job, _ end: AttemptEnd, startedAt: Date, now: Date) {
        let dimensions = [("job_type", job.jobType), ("status", end.rawValue)]
        Counter(label: MetricNames.jobsProcessed, dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: MetricNames.jobDuration, dimensions: dimensions, factory: factory)
            .recordSeconds(max(0, now.timeIntervalSince(startedAt)))
    }

    func workerLoad(active: Int, slots: Int) {
        Gauge(label: MetricNames.workerActiveJobs, factory: factory).record(active)
        Gauge(label: MetricNames.workerSlots, factory: factory).record(slots)
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
