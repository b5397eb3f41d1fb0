import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("WebhookStore: endpoints, the event outbox, deliveries as jobs")
struct WebhookStoreTests {
    static let deliverType = "webhook.deliver"
    static let deliveryQueue = "webhooks"

    static func endpoint(
        _ h: Harness, url: String = "https://example.test/hook", events: Set<WebhookEventType> = Set(WebhookEventType.allCases),
        tenant: String = NewJob.defaultTenant
    ) async throws -> WebhookEndpoint {
        let endpoint = WebhookEndpoint(
            id: WebhookIDs.endpoint(), tenant: tenant, url: url, events: events, secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
            description: "test", createdAt: h.clock.now())
        try await h.stores.webhooks.createEndpoint(endpoint)
        h.clock.advance(by: 1)  // endpoints list in creation order
        return endpoint
    }

    /// Every delivery job waiting in the webhooks queue, claimed (so each is seen once).
    static func claimDeliveryJobs(_ h: Harness) async throws -> [ClaimedJob] {
        try await h.store.claim(queue: deliveryQueue, worker: Harness.worker, limit: 100, leaseFor: 60, now: h.clock.now())
    }

    /// The deliveries the claimed jobs send, read as their handler reads them.
    static func due(_ h: Harness, _ jobs: [ClaimedJob]) async throws -> [DueDelivery] {
        var due: [DueDelivery] = []
        for job in jobs {
            #expect(job.job.jobType == deliverType && job.job.queue == deliveryQueue && job.job.tenant == NewJob.defaultTenant)
            let id = try #require(job.job.parameters["delivery_id"]?.stringValue)
            due.append(try #require(try await h.stores.webhooks.dueDelivery(id: id)))
        }
        return due.sorted { $0.event.occurredAt < $1.event.occurredAt }
    }

    /// Completes a job for an endpoint subscribed to everything; returns its delivery's job.
    static func completedAndQueued(_ h: Harness) async throws -> (endpoint: WebhookEndpoint, job: ClaimedJob, due: DueDelivery) {
        let endpoint = try await endpoint(h)
        let running = try await h.factory.running()
        #expect(try await h.store.complete(running.lease, summary: [:], now: h.clock.now()))
        let job = try #require(try await claimDeliveryJobs(h).first)
        return (endpoint, job, try #require(try await due(h, [job]).first))
    }

    @Test(
        "every final transition, and only a final one, queues one delivery job per subscribed endpoint in its transaction",
        arguments: StoreKind.allCases)
    func outbox(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let unsubscribed = try await h.factory.running()
        #expect(try await h.store.complete(unsubscribed.lease, summary: [:], now: h.clock.now()))
        #expect(try await Self.claimDeliveryJobs(h).isEmpty, "no endpoint, no delivery")
        let endpoint = try await Self.endpoint(h)
        _ = try await Self.endpoint(h, tenant: "someone-else")

        let completed = try await h.factory.running()
        h.clock.advance(by: 3)
        #expect(try await h.store.complete(completed.lease, summary: [:], now: h.clock.now()))
        let retried = try await h.factory.running(JobFactory.newJob(maxAttempts: 2))
        #expect(
            try await h.store.fail(
                retried.lease, failure: JobFailure(message: "again"), retryAt: h.clock.now().addingTimeInterval(3600), now: h.clock.now()))
        let failed = try await h.factory.running()
        h.clock.advance(by: 1)
        #expect(try await h.store.fail(failed.lease, failure: JobFailure(message: "final"), retryAt: nil, now: h.clock.now()))
        let queued = try await h.factory.queued()
        h.clock.advance(by: 1)
        _ = try await h.store.cancel(queued.id, now: h.clock.now())

        let jobs = try await Self.claimDeliveryJobs(h)
        #expect(try await h.store.claim(worker: Harness.worker, limit: 10, leaseFor: 60, now: h.clock.now()).isEmpty, "the default queue has none")
        let due = try await Self.due(h, jobs)
        #expect(due.map(\.event.type) == [.jobCompleted, .jobFailed, .jobCancelled])
        #expect(due.map(\.event.jobID) == [completed.job.id, failed.job.id, queued.id])
        let finished = try #require(try await h.store.job(completed.job.id)?.finishedAt)
        #expect(due[0].event.occurredAt == finished && due[0].event.tenant == NewJob.defaultTenant)
        #expect(due.allSatisfy { $0.event.id.hasPrefix("msg_") && $0.delivery.id.hasPrefix("dlv_") })
        #expect(Set(due.map(\.event.id)).count == 3)
        #expect(
            due.allSatisfy {
                $0.delivery.status == .pending && $0.delivery.attempts == 0 && $0.delivery.payload.isEmpty && $0.delivery.endpointID == endpoint.id
                    && $0.url == endpoint.url && $0.secret == endpoint.secret && !$0.endpointDeleted
            })
        #expect(jobs.allSatisfy { JobID(validating: $0.job.id.rawValue) != nil }, "delivery jobs have job ids the API accepts")
    }

    @Test(
        "a job fans out to the tenant's live endpoints subscribed to its event; a delivery job's own end writes nothing",
        arguments: StoreKind.allCases)
    func fanOut(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let store = h.stores.webhooks
        let all = try await Self.endpoint(h)
        let failuresOnly = try await Self.endpoint(h, events: [.jobFailed])
        _ = try await Self.endpoint(h, tenant: "someone-else")
        let deleted = try await Self.endpoint(h)
        #expect(try await store.deleteEndpoint(id: deleted.id, tenant: deleted.tenant, now: h.clock.now()))
        #expect(try await store.endpoints(tenant: NewJob.defaultTenant).map(\.id) == [all.id, failuresOnly.id])
        #expect(try await store.endpoint(id: failuresOnly.id, tenant: NewJob.defaultTenant)?.events == [.jobFailed])

        let running = try await h.factory.running()
        #expect(try await h.store.complete(running.lease, summary: [:], now: h.clock.now()))
        let jobs = try await Self.claimDeliveryJobs(h)
        #expect(jobs.count == 1)
        #expect(try await Self.due(h, jobs).map(\.delivery.endpointID) == [all.id])
        #expect(try await store.deliveries(endpointID: failuresOnly.id, tenant: all.tenant, limit: 10, offset: 0).isEmpty)

        // The delivery job failing for good announces nothing (no delivery of a delivery).
        let lease = try #require(jobs.first).lease
        #expect(try await h.store.fail(lease, failure: JobFailure(message: "HTTP 500", isRetryable: false), retryAt: nil, now: h.clock.now()))
        #expect(try await Self.claimDeliveryJobs(h).isEmpty)
        #expect(try await store.deliveries(endpointID: failuresOnly.id, tenant: all.tenant, limit: 10, offset: 0).isEmpty)
    }

    @Test("attempts move a delivery to retry, success or failure; the first body settled is every attempt's", arguments: StoreKind.allCases)
    func attempts(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let store = h.stores.webhooks
        let (endpoint, _, due) = try await Self.completedAndQueued(h)
        let id = due.delivery.id

        #expect(try await store.settlePayload(#"{"first":1}"#, deliveryID: id) == #"{"first":1}"#)
        #expect(try await store.settlePayload(#"{"second":2}"#, deliveryID: id) == #"{"first":1}"#)
        let first = WebhookDeliveryAttempt(
            number: 1, attemptedAt: h.clock.now(), durationSeconds: 0.25, statusCode: 500, error: "HTTP 500", responseBody: "oops")
        let retryAt = h.clock.now().addingTimeInterval(5)
        try await store.record(first, deliveryID: id, outcome: .retry(at: retryAt), now: h.clock.now())
        let again = try #require(try await store.dueDelivery(id: id))
        #expect(again.delivery.attempts == 1 && again.delivery.lastStatusCode == 500 && again.delivery.lastError == "HTTP 500")
        #expect(again.delivery.status == .pending && again.delivery.nextAttemptAt == retryAt && again.delivery.payload == #"{"first":1}"#)
        h.clock.advance(by: 5)
        let second = WebhookDeliveryAttempt(
            number: 2, attemptedAt: h.clock.now(), durationSeconds: 0.1, statusCode: 204, error: nil, responseBody: "")
        try await store.record(second, deliveryID: id, outcome: .succeeded, now: h.clock.now())

        let found = try #require(try await store.delivery(id: id, tenant: endpoint.tenant))
        #expect(found.delivery.status == .succeeded && found.delivery.attempts == 2 && found.delivery.nextAttemptAt == nil)
        #expect(found.attempts == [first, second])
        #expect(try await store.delivery(id: id, tenant: "someone-else") == nil)
        #expect(try await store.dueDelivery(id: "dlv_unknown") == nil)
    }

    @Test("replay queues the same event again as a new delivery with its job; a deleted endpoint gets none", arguments: StoreKind.allCases)
    func replay(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let store = h.stores.webhooks
        let (endpoint, _, due) = try await Self.completedAndQueued(h)
        let original = due.delivery
        _ = try await store.settlePayload(#"{"a":1}"#, deliveryID: original.id)
        try await store.record(
            WebhookDeliveryAttempt(number: 1, attemptedAt: h.clock.now(), durationSeconds: 0, statusCode: nil, error: "refused", responseBody: nil),
            deliveryID: original.id, outcome: .failed, now: h.clock.now())

        h.clock.advance(by: 10)
        let replayed = try #require(try await store.replay(deliveryID: original.id, tenant: endpoint.tenant, now: h.clock.now()))
        #expect(replayed.id != original.id && replayed.replayOf == original.id && replayed.eventID == original.eventID)
        #expect(replayed.payload == #"{"a":1}"# && replayed.status == .pending && replayed.attempts == 0)
        #expect(
            try await store.deliveries(endpointID: endpoint.id, tenant: endpoint.tenant, limit: 10, offset: 0).map(\.id) == [
                replayed.id, original.id,
            ])
        let replayJob = try #require(try await Self.claimDeliveryJobs(h).first)
        #expect(replayJob.job.parameters["delivery_id"]?.stringValue == replayed.id)
        #expect(try await store.replay(deliveryID: original.id, tenant: "someone-else", now: h.clock.now()) == nil)

        #expect(try await store.deleteEndpoint(id: endpoint.id, tenant: endpoint.tenant, now: h.clock.now()))
        #expect(try await !store.deleteEndpoint(id: endpoint.id, tenant: endpoint.tenant, now: h.clock.now()))
        #expect(try await store.replay(deliveryID: original.id, tenant: endpoint.tenant, now: h.clock.now()) == nil)
        #expect(try await Self.claimDeliveryJobs(h).isEmpty)
        #expect(try await store.dueDelivery(id: replayed.id)?.endpointDeleted == true)
    }
}
