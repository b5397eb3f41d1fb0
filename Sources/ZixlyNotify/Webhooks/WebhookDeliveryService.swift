import Foundation
import Logging
import Metrics
import Tracing
import ServiceLifecycle
import StandardWebhooks
import ZixlyCore
import ZixlyQueue

/// Turns job events into signed webhook deliveries and sends them, retrying failures on a
/// schedule. Runs beside the worker pool, never inside a job: a slow or dead endpoint costs a
/// sender slot, never a worker, and never fails a job.
public struct WebhookDeliveryService: Service {
    public struct Configuration: Sendable {
        /// Deliveries in flight at once. Default 8.
        public var concurrency = 8
        /// How often to look for events and due deliveries when not woken. Default 1 s.
        public var pollInterval: Duration = .seconds(1)
        /// After a wake-up, how long to let more arrive before looking: under load every job's
        /// end wakes the service, and one pass serves them all. Default 25 ms.
        public var wakeupGathering: Duration = .milliseconds(25)
        /// Per-request deadline. Default 15 s.
        public var requestTimeout: Duration = .seconds(15)
        /// Delays before the 2nd, 3rd, … attempt; a delivery fails for good after
        /// `retrySchedule.count + 1` attempts. Default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h (7 attempts, about 18 h).
        public var retrySchedule: [TimeInterval] = [5, 300, 1800, 7200, 18000, 36000]
        public init() {}
    }

    let store: any WebhookStore
    let jobs: any JobStore
    /// Makes the sender when the service starts (it holds connections), shut down when it stops.
    let makeSender: @Sendable () -> any WebhookSender
    let configuration: Configuration
    let clock: any WallClock
    let wakeups: WorkSignal
    let logger: Logger
    /// Where attempts are counted (`webhook_deliveries_total{outcome}`).
    let metrics: any MetricsFactory
    /// Where each attempt's span goes.
    let tracer: any Tracer

    public init(
        store: any WebhookStore, jobs: any JobStore, makeSender: @escaping @Sendable () -> any WebhookSender, configuration: Configuration = .init(),
        clock: any WallClock = SystemWallClock(), wakeups: WorkSignal = WorkSignal(), logger: Logger,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, tracer: any Tracer = NoOpTracer()
    ) {
        self.metrics = metrics
        self.tracer = tracer
        self.store = store
        self.jobs = jobs
        self.makeSender = makeSender
        self.configuration = configuration
        self.clock = clock
        self.wakeups = wakeups
        self.logger = logger
    }

    /// Keeps up to `concurrency` deliveries in flight, claiming more as each one ends, so a slow
    /// endpoint holds one slot, not a batch.
    public func run() async throws {
        let inFlight = InFlightCount()
        let sender = makeSender()
        for outcome in ["delivered", "retrying", "failed"] {
            Counter(label: MetricNames.webhookDeliveries, dimensions: [("outcome", outcome)], factory: metrics).increment(by: 0)
        }
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                var claimed = 0
                do {
                    _ = try await dispatchEvents()
                    let free = configuration.concurrency - inFlight.value
                    if free > 0 {
                        let now = clock.now()
                        let due = try await store.claimDueDeliveries(
                            limit: free, now: now, lockUntil: now.addingTimeInterval(configuration.requestTimeout.inSeconds + 30))
                        claimed = due.count
                        for item in due {
                            inFlight.add(1)
                            group.addTask {
                                await deliver(item, with: sender)
                                inFlight.add(-1)
                                wakeups.notify()
                            }
                        }
                    }
                } catch {
                    logger.warning("webhook delivery pass failed", metadata: ["error": "\(error)"])
                }
                if claimed == 0 || inFlight.value >= configuration.concurrency {
                    await wakeups.wait(upTo: configuration.pollInterval)
                    try? await Task.sleep(for: configuration.wakeupGathering)
                }
            }
        }
        await sender.shutdown()
    }

    /// Makes deliveries of events not yet dispatched; returns how many events it took.
    func dispatchEvents() async throws -> Int {
        let events = try await store.undispatchedEvents(limit: 100)
        for event in events {
            let job = try await jobs.job(event.jobID)
            let made = try await store.dispatch(event, payload: WebhookEventPayload.json(for: event, job: job), now: clock.now())
            if let made, made > 0 {
                logger.debug("webhook event dispatched", metadata: ["event": "\(event.id)", "job_id": "\(event.jobID)", "deliveries": "\(made)"])
            }
        }
        return events.count
    }

    /// One attempt of one delivery, and its bookkeeping.
    func deliver(_ item: DueDelivery, with sender: any WebhookSender) async {
        await tracer.withSpan("webhook.deliver", ofKind: .client) { span in
            span.attributes["zixly.delivery_id"] = item.delivery.id
            span.attributes["zixly.event_type"] = item.delivery.eventType.rawValue
            span.attributes["zixly.attempt"] = item.delivery.attempts + 1
            let outcome = await attempt(item, with: sender)
            if outcome != .succeeded { span.setStatus(SpanStatus(code: .error)) }
        }
    }

    /// Signs and posts the delivery once, records the attempt, and returns what follows.
    private func attempt(_ item: DueDelivery, with sender: any WebhookSender) async -> WebhookDeliveryOutcome {
        let delivery = item.delivery
        let number = delivery.attempts + 1
        let started = clock.now()
        let response: WebhookResponse
        if item.endpointDeleted {
            response = WebhookResponse(statusCode: nil, error: "endpoint deleted", body: nil)
        } else if let secret = try? WebhookSecret(item.secret) {
            let headers = Webhook(secrets: [secret]).sign(id: delivery.eventID, timestamp: started, body: Data(delivery.payload.utf8))
            response = await sender.post(url: item.url, headers: headers, body: delivery.payload)
        } else {
            response = WebhookResponse(statusCode: nil, error: "endpoint secret is not a whsec_ secret", body: nil)
        }
        let finished = clock.now()
        let attempt = WebhookDeliveryAttempt(
            number: number, attemptedAt: started, durationSeconds: finished.timeIntervalSince(started),
            statusCode: response.statusCode, error: response.error, responseBody: response.body)
        let outcome = outcome(of: attempt, endpointDeleted: item.endpointDeleted, now: finished)
        do {
            try await store.record(attempt, deliveryID: delivery.id, outcome: outcome, now: finished)
        } catch {
            // The lock runs out and the delivery is sent again: at least once, as webhooks are.
            logger.warning("could not record a webhook attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
        var metadata: Logger.Metadata = ["delivery": "\(delivery.id)", "event": "\(delivery.eventType.rawValue)", "attempt": "\(number)"]
        if let error = response.error { metadata["error"] = "\(error)" }
        let label = switch outcome {
        case .succeeded: "delivered"
        case .retry: "retrying"
        case .failed: "failed"
        }
        Counter(label: MetricNames.webhookDeliveries, dimensions: [("outcome", label)], factory: metrics).increment()
        switch outcome {
        case .succeeded: logger.info("webhook delivered", metadata: metadata)
        case .retry(let at): logger.info("webhook attempt failed, will retry", metadata: metadata.merging(["retry_at": "\(ISO8601.string(at))"]) { $1 })
        case .failed: logger.warning("webhook delivery failed for good", metadata: metadata)
        }
        return outcome
    }

    /// Succeeded on a 2xx; otherwise retry on the schedule until it runs out.
    func outcome(of attempt: WebhookDeliveryAttempt, endpointDeleted: Bool, now: Date) -> WebhookDeliveryOutcome {
        if attempt.succeeded { return .succeeded }
        guard !endpointDeleted, attempt.number <= configuration.retrySchedule.count else { return .failed }
        return .retry(at: now.addingTimeInterval(configuration.retrySchedule[attempt.number - 1]))
    }
}
