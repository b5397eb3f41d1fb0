import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("WebhookStore: event outbox, endpoints, deliveries")
struct WebhookStoreTests {
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

    /// Completes a job and fans its event out with `payload`; returns the event.
    @discardableResult
    static func completedAndDispatched(_ h: Harness, payload: String) async throws -> JobEvent {
        let running = try await h.factory.running()
        #expect(try await h.store.complete(running.lease, summary: [:], now: h.clock.now()))
        let event = try #require(try await h.stores.webhooks.undispatchedEvents(limit: 1).first)
        _ = try await h.stores.webhooks.dispatch(event, payload: payload, now: h.clock.now())
        return event
    }

    @Test("every final transition, and only a final one, writes one event in its transaction (when the tenant has an endpoint)", arguments: StoreKind.allCases)
    func outbox(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let events = h.stores.webhooks
        let unsubscribed = try await h.factory.running()
        #expect(try await h.store.complete(unsubscribed.lease, summary: [:], now: h.clock.now()))
        #expect(try await events.undispatchedEvents(limit: 10).isEmpty, "no endpoint, no event")
        _ = try await Self.endpoint(h)
        _ = try await Self.endpoint(h, tenant: "someone-else")

        let completed = try await h.factory.running()
        h.clock.advance(by: 3)
        #expect(try await h.store.complete(completed.lease, summary: [:], now: h.clock.now()))
        let retried = try await h.factory.running(JobFactory.newJob(maxAttempts: 2))
        #expect(try await h.store.fail(retried.lease, failure: JobFailure(message: "again"), retryAt: h.clock.now().addingTimeInterval(3600), now: h.clock.now()))
        #expect(try await events.undispatchedEvents(limit: 10).map(\.jobID) == [completed.job.id])

        let failed = try await h.factory.running()
        h.clock.advance(by: 1)
        #expect(try await h.store.fail(failed.lease, failure: JobFailure(message: "final"), retryAt: nil, now: h.clock.now()))
        let queued = try await h.factory.queued()
        h.clock.advance(by: 1)
        _ = try await h.store.cancel(queued.id, now: h.clock.now())

        let written = try await events.undispatchedEvents(limit: 10)
        #expect(written.map(\.type) == [.jobCompleted, .jobFailed, .jobCancelled])
        #expect(written.map(\.jobID) == [completed.job.id, failed.job.id, queued.id])
        let finished = try #require(try await h.store.job(completed.job.id)?.finishedAt)
        #expect(written[0].occurredAt == finished && written[0].tenant == NewJob.defaultTenant)
        #expect(written.allSatisfy { $0.id.hasPrefix("msg_") } && Set(written.map(\.id)).count == 3)
    }

    @Test("dispatch fans out to the tenant's live subscribed endpoints, exactly once", arguments: StoreKind.allCases)
    func dispatch(kind: StoreKind) async throws {
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
        let event = try #require(try await store.undispatchedEvents(limit: 10).first)
        #expect(try await store.dispatch(event, payload: #"{"type":"job.completed"}"#, now: h.clock.now()) == 1)
        #expect(try await store.dispatch(event, payload: "{}", now: h.clock.now()) == nil)
        #expect(try await store.undispatchedEvents(limit: 10).isEmpty)

        let made = try await store.deliveries(endpointID: all.id, tenant: all.tenant, limit: 10, offset: 0)
        #expect(made.count == 1)
        #expect(made.first?.eventID == event.id && made.first?.status == .pending && made.first?.attempts == 0)
        #expect(made.first?.payload == #"{"type":"job.completed"}"# && made.first?.id.hasPrefix("dlv_") == true)
        #expect(try await store.deliveries(endpointID: failuresOnly.id, tenant: all.tenant, limit: 10, offset: 0).isEmpty)
    }

    @Test("claimed deliveries stay locked; attempts move them to retry, success or failure", arguments: StoreKind.allCases)
    func attempts(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let store = h.stores.webhooks
        let endpoint = try await Self.endpoint(h)
        try await Self.completedAndDispatched(h, payload: "{}")

        let due = try await store.claimDueDeliveries(limit: 10, now: h.clock.now(), lockUntil: h.clock.now().addingTimeInterval(60))
        let claimed = try #require(due.first)
        #expect(due.count == 1 && claimed.url == endpoint.url && claimed.secret == endpoint.secret && !claimed.endpointDeleted)
        #expect(try await store.claimDueDeliveries(limit: 10, now: h.clock.now(), lockUntil: h.clock.now()).isEmpty)

        let first = WebhookDeliveryAttempt(
            number: 1, attemptedAt: h.clock.now(), durationSeconds: 0.25, statusCode: 500, error: "HTTP 500", responseBody: "oops")
        try await store.record(first, deliveryID: claimed.delivery.id, outcome: .retry(at: h.clock.now().addingTimeInterval(5)), now: h.clock.now())
        h.clock.advance(by: 4)
        #expect(try await store.claimDueDeliveries(limit: 10, now: h.clock.now(), lockUntil: h.clock.now().addingTimeInterval(60)).isEmpty)
        h.clock.advance(by: 1)
        let again = try #require(try await store.claimDueDeliveries(limit: 10, now: h.clock.now(), lockUntil: h.clock.now().addingTimeInterval(60)).first)
        #expect(again.delivery.attempts == 1 && again.delivery.lastStatusCode == 500 && again.delivery.lastError == "HTTP 500")
        let second = WebhookDeliveryAttempt(
            number: 2, attemptedAt: h.clock.now(), durationSeconds: 0.1, statusCode: 204, error: nil, responseBody: "")
        try await store.record(second, deliveryID: again.delivery.id, outcome: .succeeded, now: h.clock.now())

        let found = try #require(try await store.delivery(id: claimed.delivery.id, tenant: endpoint.tenant))
        #expect(found.delivery.status == .succeeded && found.delivery.attempts == 2 && found.delivery.nextAttemptAt == nil)
        #expect(found.attempts == [first, second])
        #expect(try await store.delivery(id: claimed.delivery.id, tenant: "someone-else") == nil)
        #expect(try await store.claimDueDeliveries(limit: 10, now: h.clock.now().addingTimeInterval(3600), lockUntil: h.clock.now()).isEmpty)
    }

    @Test("replay sends the same event again as a new delivery; a deleted endpoint gets none", arguments: StoreKind.allCases)
    func replay(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let store = h.stores.webhooks
        let endpoint = try await Self.endpoint(h)
        try await Self.completedAndDispatched(h, payload: #"{"a":1}"#)
        let original = try #require(try await store.deliveries(endpointID: endpoint.id, tenant: endpoint.tenant, limit: 1, offset: 0).first)
        try await store.record(
            WebhookDeliveryAttempt(number: 1, attemptedAt: h.clock.now(), durationSeconds: 0, statusCode: nil, error: "refused", responseBody: nil),
            deliveryID: original.id, outcome: .failed, now: h.clock.now())

        h.clock.advance(by: 10)
        let replayed = try #require(try await store.replay(deliveryID: original.id, tenant: endpoint.tenant, now: h.clock.now()))
        #expect(replayed.id != original.id && replayed.replayOf == original.id && replayed.eventID == original.eventID)
        #expect(replayed.payload == #"{"a":1}"# && replayed.status == .pending && replayed.attempts == 0)
        #expect(try await store.deliveries(endpointID: endpoint.id, tenant: endpoint.tenant, limit: 10, offset: 0).map(\.id) == [replayed.id, original.id])
        #expect(try await store.replay(deliveryID: original.id, tenant: "someone-else", now: h.clock.now()) == nil)

        #expect(try await store.deleteEndpoint(id: endpoint.id, tenant: endpoint.tenant, now: h.clock.now()))
        #expect(try await !store.deleteEndpoint(id: endpoint.id, tenant: endpoint.tenant, now: h.clock.now()))
        #expect(try await store.replay(deliveryID: original.id, tenant: endpoint.tenant, now: h.clock.now()) == nil)
        let orphan = try #require(try await store.claimDueDeliveries(limit: 10, now: h.clock.now(), lockUntil: h.clock.now().addingTimeInterval(60)).first)
        #expect(orphan.delivery.id == replayed.id && orphan.endpointDeleted)
    }
}
