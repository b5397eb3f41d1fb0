import Foundation
public import Logging
public import Metrics
import StandardWebhooks
public import Tracing
public import ZixlyCore
public import ZixlyQueue

/// Sends one outbound webhook delivery per `webhook.deliver` job (the database queues one with
/// each delivery it makes): builds the body once, signs it, posts it and records the attempt.
/// A failed attempt fails the job's attempt, and the queue runs it again after the retry
/// schedule's next delay, so deliveries have the queue's leases, rescue and fencing.
public struct WebhookDeliveryHandler: JobHandler {
    /// The job type the database gives delivery jobs (migrations SQLite 0009, PostgreSQL 0010).
    public static let jobType = "webhook.deliver"
    /// The queue they go to, which a worker pool of their own runs.
    public static let queue = "webhooks"
    /// Delays before the 2nd, 3rd, … attempt; a delivery fails for good after `count + 1`.
    /// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h (7 attempts over about 18 h), as Svix spaces them.
    public static let defaultSchedule: [Duration] = [5, 300, 1800, 7200, 18000, 36000].map { .seconds($0) }

    public var jobType: String { Self.jobType }
    public var retryPolicy: RetryPolicy? { schedule }

    let store: any WebhookStore
    let jobs: any JobStore
    let sender: any WebhookSender
    /// The retry schedule, as the policy the pool retries this job type by.
    let schedule: RetryPolicy
    let clock: any WallClock
    let logger: Logger
    /// Where attempts are counted (`webhook_deliveries_total{outcome}`).
    let metrics: any MetricsFactory
    let tracer: any Tracer

    public init(
        store: any WebhookStore, jobs: any JobStore, sender: any WebhookSender, schedule: [Duration] = Self.defaultSchedule,
        clock: any WallClock = SystemWallClock(), logger: Logger, metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        tracer: any Tracer = NoOpTracer()
    ) {
        self.store = store
        self.jobs = jobs
        self.sender = sender
        self.schedule = RetryPolicy(schedule: schedule)
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.tracer = tracer
        for outcome in Outcome.allCases { counter(outcome).increment(by: 0) }
    }

    public func run(_ job: Job, context: JobContext) async throws -> JSONValue {
        guard let id = job.parameters["delivery_id"]?.stringValue else {
            throw JobFailure(message: "the job's parameters name no delivery_id", isRetryable: false)
        }
        guard let due = try await store.dueDelivery(id: id) else {
            return ["delivery_id": .string(id), "outcome": "gone"]  // pruned with the job it announced
        }
        guard due.delivery.status == .pending else {
            return ["delivery_id": .string(id), "outcome": .string(due.delivery.status.rawValue)]
        }
        let (attempt, outcome) = try await tracer.withSpan("webhook.deliver", ofKind: .client) { span in
            span.attributes["zixly.delivery_id"] = id
            span.attributes["zixly.event_type"] = due.delivery.eventType.rawValue
            span.attributes["zixly.attempt"] = due.delivery.attempts + 1
            let result = try await send(due, jobAttempt: context.lease.attempt)
            if result.1 != .succeeded { span.setStatus(SpanStatus(code: .error)) }
            return result
        }
        switch outcome {
        case .succeeded:
            return ["delivery_id": .string(id), "outcome": "delivered", "status_code": attempt.statusCode.map { .number(Double($0)) } ?? .null]
        case .retry:
            throw JobFailure(message: attempt.error ?? "not delivered", isRetryable: true)
        case .failed:
            throw JobFailure(message: attempt.error ?? "not delivered", isRetryable: false)
        }
    }

    /// Signs and posts the delivery once and records the attempt with what follows: succeeded on
    /// a 2xx; otherwise retried while the schedule has a delay for this attempt of the job.
    private func send(_ due: DueDelivery, jobAttempt: Int) async throws -> (WebhookDeliveryAttempt, WebhookDeliveryOutcome) {
        let delivery = due.delivery
        let started = clock.now()
        let response: WebhookResponse
        if due.endpointDeleted {
            response = WebhookResponse(statusCode: nil, error: "endpoint deleted", body: nil)
        } else if let secret = try? WebhookSecret(due.secret) {
            let payload = try await payload(of: due)
            let headers = Webhook(secrets: [secret]).sign(id: delivery.eventID, timestamp: started, body: Data(payload.utf8))
            response = await sender.post(url: due.url, headers: headers, body: payload)
        } else {
            response = WebhookResponse(statusCode: nil, error: "endpoint secret is not a whsec_ secret", body: nil)
        }
        let finished = clock.now()
        let attempt = WebhookDeliveryAttempt(
            number: delivery.attempts + 1, attemptedAt: started, durationSeconds: finished.timeIntervalSince(started),
            statusCode: response.statusCode, error: response.error, responseBody: response.body)
        let outcome: WebhookDeliveryOutcome =
            if attempt.succeeded {
                .succeeded
            } else if !due.endpointDeleted, let retryAt = schedule.retryAt(afterAttempt: jobAttempt, maxAttempts: .max, now: finished) {
                .retry(at: retryAt)
            } else { .failed }
        // If this write fails the job's attempt fails with it, and the delivery is sent again:
        // at least once, as webhooks are.
        try await store.record(attempt, deliveryID: delivery.id, outcome: outcome, now: finished)
        report(attempt, of: delivery, outcome: outcome)
        return (attempt, outcome)
    }

    /// The body every attempt sends: the job as it was at the first attempt, stored with it.
    private func payload(of due: DueDelivery) async throws -> String {
        guard due.delivery.payload.isEmpty else { return due.delivery.payload }
        let job = try await jobs.job(due.event.jobID)
        return try await store.settlePayload(WebhookEventPayload.json(for: due.event, job: job), deliveryID: due.delivery.id)
    }

    /// Counts and logs the attempt.
    private func report(_ attempt: WebhookDeliveryAttempt, of delivery: WebhookDelivery, outcome: WebhookDeliveryOutcome) {
        var metadata: Logger.Metadata = ["delivery": "\(delivery.id)", "event": "\(delivery.eventType.rawValue)", "attempt": "\(attempt.number)"]
        if let error = attempt.error { metadata["error"] = "\(error)" }
        switch outcome {
        case .succeeded:
            counter(.delivered).increment()
            logger.info("webhook delivered", metadata: metadata)
        case .retry(let at):
            counter(.retrying).increment()
            metadata["retry_at"] = "\(ISO8601.string(at))"
            logger.info("webhook attempt failed, will retry", metadata: metadata)
        case .failed:
            counter(.failed).increment()
            logger.warning("webhook delivery failed for good", metadata: metadata)
        }
    }

    /// The `outcome` label of `webhook_deliveries_total`.
    enum Outcome: String, CaseIterable {
        case delivered, retrying, failed
    }

    private func counter(_ outcome: Outcome) -> Counter {
        Counter(label: MetricNames.webhookDeliveries, dimensions: [("outcome", outcome.rawValue)], factory: metrics)
    }
}
