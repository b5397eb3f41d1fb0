public import Foundation

/// Endpoints, the event outbox and deliveries, in the job database.
public protocol WebhookStore: Sendable {
    func createEndpoint(_ endpoint: WebhookEndpoint) async throws
    /// The tenant's endpoints that are not deleted, oldest first.
    func endpoints(tenant: String) async throws -> [WebhookEndpoint]
    func endpoint(id: String, tenant: String) async throws -> WebhookEndpoint?
    /// Marks it deleted; false if there is no such live endpoint.
    func deleteEndpoint(id: String, tenant: String, now: Date) async throws -> Bool

    /// The delivery `id` with its event and its endpoint, for the `webhook.deliver` job that sends
    /// it (deliveries and their jobs are made by the database, see ``JobEvent``); nil once it is
    /// gone (pruned with the job it announces).
    func dueDelivery(id: String) async throws -> DueDelivery?
    /// Stores `payload` as the delivery's body unless it has one already; returns the body that
    /// every attempt sends (the first attempt's, whoever wrote it).
    func settlePayload(_ payload: String, deliveryID: String) async throws -> String
    /// Records an attempt and moves the delivery on (`attempts` + 1).
    func record(_ attempt: WebhookDeliveryAttempt, deliveryID: String, outcome: WebhookDeliveryOutcome, now: Date) async throws

    /// An endpoint's deliveries, newest first.
    func deliveries(endpointID: String, tenant: String, limit: Int, offset: Int) async throws -> [WebhookDelivery]
    func delivery(id: String, tenant: String) async throws -> (delivery: WebhookDelivery, attempts: [WebhookDeliveryAttempt])?
    /// A new pending delivery of the same event and payload to the same endpoint, due now (with its
    /// job, as every delivery); nil if there is no such delivery or its endpoint is deleted.
    func replay(deliveryID: String, tenant: String, now: Date) async throws -> WebhookDelivery?
}
