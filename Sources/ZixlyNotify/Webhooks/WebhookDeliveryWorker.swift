import Foundation
public import Logging
public import Metrics
public import ServiceLifecycle
public import Tracing
public import ZixlyCore
public import ZixlyQueue

/// Runs the `webhooks` queue: a worker pool of its own, whose one handler sends deliveries, so
/// a slow or dead endpoint holds a delivery slot, never a sweep's, and never fails a job. It
/// makes the sender (which holds connections) when it starts and shuts it down when it stops.
public struct WebhookDeliveryWorker: Service {
    public struct Configuration: Sendable {
        /// Deliveries in flight at once. Default 8.
        public var concurrency = 8
        /// Per-request deadline. Default 15 s.
        public var requestTimeout: Duration = .seconds(15)
        /// Delays before the 2nd, 3rd, … attempt (`ZIXLY_WEBHOOK_RETRY_SCHEDULE`).
        public var retrySchedule = WebhookDeliveryHandler.defaultSchedule
        /// The pool's settings other than its queue and concurrency (leases, polling, grace).
        public var pool = WorkerPool.Configuration()
        public init() {}
    }

    let jobs: any JobStore
    let webhooks: any WebhookStore
    let makeSender: @Sendable (Duration) -> any WebhookSender
    let configuration: Configuration
    let clock: any WallClock
    let worker: WorkerID
    let wakeups: WorkSignal
    let logger: Logger
    let metrics: any MetricsFactory
    let tracer: any Tracer

    public init(
        jobs: any JobStore, webhooks: any WebhookStore, makeSender: @escaping @Sendable (_ timeout: Duration) -> any WebhookSender,
        configuration: Configuration = .init(), clock: any WallClock = SystemWallClock(), worker: WorkerID, wakeups: WorkSignal = WorkSignal(),
        logger: Logger, metrics: any MetricsFactory = NOOPMetricsHandler.instance, tracer: any Tracer = NoOpTracer()
    ) {
        self.jobs = jobs
        self.webhooks = webhooks
        self.makeSender = makeSender
        self.configuration = configuration
        self.clock = clock
        self.worker = worker
        self.wakeups = wakeups
        self.logger = logger
        self.metrics = metrics
        self.tracer = tracer
    }

    public func run() async throws {
        let sender = makeSender(configuration.requestTimeout)
        let handler = WebhookDeliveryHandler(
            store: webhooks, jobs: jobs, sender: sender, schedule: configuration.retrySchedule, clock: clock, logger: logger,
            metrics: metrics, tracer: tracer)
        var pool = configuration.pool
        pool.queue = WebhookDeliveryHandler.queue
        pool.concurrency = configuration.concurrency
        pool.reportsLoad = false
        let workers = WorkerPool(
            store: jobs, handlers: [handler], configuration: pool, clock: clock, worker: worker, wakeups: wakeups, logger: logger,
            metrics: QueueMetrics(factory: metrics), tracer: tracer)
        do {
            try await workers.run()
        } catch {
            await sender.shutdown()
            throw error
        }
        await sender.shutdown()
    }
}
