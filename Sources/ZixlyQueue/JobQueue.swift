import Foundation
public import Tracing
public import ZixlyCore

/// What producers and the API use: the store, the clock, and the in-process wake-up, so an
/// enqueue in `zixly up` reaches an idle worker at once.
public struct JobQueue: Sendable {
    public let store: any JobStore
    public let clock: any WallClock
    public let wakeups: WorkSignal
    let metrics: QueueMetrics
    let tracer: any Tracer

    public init(
        store: any JobStore, clock: any WallClock = SystemWallClock(), wakeups: WorkSignal = WorkSignal(), metrics: QueueMetrics = .disabled,
        tracer: any Tracer = NoOpTracer()
    ) {
        self.store = store
        self.clock = clock
        self.wakeups = wakeups
        self.metrics = metrics
        self.tracer = tracer
    }

    /// Stores the job (committed when this returns) and wakes local workers. The job carries the
    /// enqueue span's trace context, so the worker's spans continue this trace.
    public func enqueue(_ job: NewJob) async throws -> EnqueueResult {
        try await tracer.withSpan("queue.enqueue", ofKind: .producer) { span in
            var job = job
            job.traceParent = TraceContext.traceParent(tracer) ?? job.traceParent
            span.attributes["zixly.job_type"] = job.jobType
            let result = try await store.enqueue(job, now: clock.now())
            span.attributes["zixly.job_id"] = result.job.id.rawValue
            if case .created = result {
                wakeups.notify()
                metrics.enqueued(jobType: job.jobType)
            } else {
                span.attributes["zixly.duplicate"] = true
            }
            return result
        }
    }

    public func cancel(_ id: JobID) async throws -> CancelResult {
        try await store.cancel(id, now: clock.now())
    }

    public func retry(_ id: JobID) async throws -> Job? {
        let job = try await store.retry(id, now: clock.now())
        if job != nil { wakeups.notify() }
        return job
    }

    public func job(_ id: JobID) async throws -> Job? { try await store.job(id) }

    public func jobs(matching filter: JobFilter, page: PageRequest) async throws -> Page<Job> {
        try await store.jobs(matching: filter, page: page)
    }
}
