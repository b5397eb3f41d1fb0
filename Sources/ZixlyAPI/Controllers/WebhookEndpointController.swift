import Foundation
import Hummingbird
import StandardWebhooks
import ZixlyCore

/// `/api/webhook-endpoints` (admin): subscribe URLs to job events, read their delivery log,
/// replay a delivery. The signing secret is shown once, when the endpoint is created.
struct WebhookEndpointController {
    let store: any WebhookStore
    let clock: any WallClock
    /// Which addresses endpoints may target.
    let outboundPolicy: OutboundAddressPolicy

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.post(use: create)
        routes.get(":endpointID", use: show)
        routes.delete(":endpointID", use: delete)
        routes.get(":endpointID/deliveries", use: deliveries)
        routes.get(":endpointID/deliveries/:deliveryID", use: delivery)
        routes.post(":endpointID/deliveries/:deliveryID/replay", use: replay)
        return routes
    }

    /// An endpoint as the API shows it (its secret only when created).
    struct Endpoint: APIResource {
        var id: String
        var url: String
        var events: [String]
        var description: String
        var createdAt: Date

        init(_ endpoint: WebhookEndpoint) {
            (id, url, events, description, createdAt) = (
                endpoint.id, endpoint.url, endpoint.events.sorted().map(\.rawValue), endpoint.description, endpoint.createdAt
            )
        }
    }

    struct EndpointList: APIResource {
        var endpoints: [Endpoint]
    }

    /// A new endpoint and its signing secret, shown this once.
    struct CreatedEndpoint: APIResource {
        var endpoint: Endpoint
        var secret: String
    }

    /// One delivery of an event to an endpoint.
    struct Delivery: APIResource {
        var id: String
        var eventId: String
        var endpointId: String
        var eventType: String
        var status: String
        var attempts: Int
        @Nullable var nextAttemptAt: Date?
        @Nullable var lastStatusCode: Int?
        @Nullable var lastError: String?
        @Nullable var replayOf: String?
        var createdAt: Date
        var updatedAt: Date

        init(_ delivery: WebhookDelivery) {
            id = delivery.id
            eventId = delivery.eventID
            endpointId = delivery.endpointID
            eventType = delivery.eventType.rawValue
            status = delivery.status.rawValue
            attempts = delivery.attempts
            nextAttemptAt = delivery.nextAttemptAt
            lastStatusCode = delivery.lastStatusCode
            lastError = delivery.lastError
            replayOf = delivery.replayOf
            createdAt = delivery.createdAt
            updatedAt = delivery.updatedAt
        }
    }

    struct DeliveryList: APIResource {
        var deliveries: [Delivery]
        var limit: Int
        var offset: Int
    }

    /// One HTTP attempt of a delivery.
    struct Attempt: APIResource {
        var number: Int
        var attemptedAt: Date
        var durationSeconds: Double
        @Nullable var statusCode: Int?
        @Nullable var error: String?
        @Nullable var responseBody: String?

        init(_ attempt: WebhookDeliveryAttempt) {
            (number, attemptedAt, durationSeconds, statusCode, error, responseBody) = (
                attempt.number, attempt.attemptedAt, attempt.durationSeconds, attempt.statusCode, attempt.error, attempt.responseBody
            )
        }
    }

    /// A delivery with the body every attempt sends (null until the first attempt builds it)
    /// and every attempt.
    struct DeliveryDetail: APIResource {
        var delivery: Delivery
        var payload: JSONValue
        var attemptLog: [Attempt]

        enum CodingKeys: CodingKey { case payload, attemptLog }

        func encode(to encoder: any Encoder) throws {
            try delivery.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(payload, forKey: .payload)
            try container.encode(attemptLog, forKey: .attemptLog)
        }
    }

    struct Replayed: APIResource {
        var delivery: Delivery
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.admin)
        return try EndpointList(endpoints: try await store.endpoints(tenant: principal.tenant).map(Endpoint.init)).response()
    }

    /// `{url, events?, description?}` → 201 `{endpoint, secret}`.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.admin)
        let body = try await RequestBody.jsonObject(request, context: context)
        var fields: [String: String] = [:]
        var events: [String]?
        switch body["events"] {
        case nil, .null: break
        case .array(let values) where values.allSatisfy({ $0.stringValue != nil }): events = values.compactMap(\.stringValue)
        default: fields["events"] = "must be a non-empty array of event types"
        }
        if let value = body["description"], value != .null, value.stringValue == nil { fields["description"] = "must be a string" }
        let endpoint = try await Provisioning.webhookEndpoint(
            url: body["url"]?.stringValue ?? "", events: events, description: body["description"]?.stringValue ?? "",
            tenant: principal.tenant, store: store, now: clock.now(), policy: outboundPolicy, fields: fields)
        return try CreatedEndpoint(endpoint: Endpoint(endpoint), secret: endpoint.secret).response(.created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        return try Endpoint(try await requireEndpoint(context)).response()
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.admin)
        guard let id = context.parameters.get("endpointID"),
            try await store.deleteEndpoint(id: id, tenant: principal.tenant, now: clock.now())
        else { throw APIError.notFound("webhook endpoint") }
        return Response(status: .noContent)
    }

    /// `?limit=&offset=` → `{deliveries, limit, offset}`, newest first.
    @Sendable func deliveries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let endpoint = try await requireEndpoint(context)
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        let (limit, offset) = QueryParameters.page(query, fields: &fields)
        guard fields.isEmpty else { throw APIError.badRequest("invalid query parameters", fields: fields) }
        let deliveries = try await store.deliveries(endpointID: endpoint.id, tenant: endpoint.tenant, limit: limit, offset: offset)
        return try DeliveryList(deliveries: deliveries.map(Delivery.init), limit: limit, offset: offset).response()
    }

    /// One delivery with its payload and every attempt.
    @Sendable func delivery(_ request: Request, context: AppRequestContext) async throws -> Response {
        let endpoint = try await requireEndpoint(context)
        guard let id = context.parameters.get("deliveryID"), let found = try await store.delivery(id: id, tenant: endpoint.tenant),
            found.delivery.endpointID == endpoint.id
        else { throw APIError.notFound("delivery") }
        let payload = found.delivery.payload
        return try DeliveryDetail(
            delivery: Delivery(found.delivery), payload: payload.isEmpty ? .null : (try? JSONValue(jsonText: payload)) ?? .string(payload),
            attemptLog: found.attempts.map(Attempt.init)
        ).response()
    }

    /// Sends the delivery's event again as a new delivery (same `webhook-id`, so a receiver
    /// that deduplicates sees it as the same message) → 202 with the new delivery.
    @Sendable func replay(_ request: Request, context: AppRequestContext) async throws -> Response {
        let endpoint = try await requireEndpoint(context)
        guard let id = context.parameters.get("deliveryID"), let original = try await store.delivery(id: id, tenant: endpoint.tenant),
            original.delivery.endpointID == endpoint.id,
            let replayed = try await store.replay(deliveryID: id, tenant: endpoint.tenant, now: clock.now())
        else { throw APIError.notFound("delivery") }
        return try Replayed(delivery: Delivery(replayed)).response(.accepted)
    }

    private func requireEndpoint(_ context: AppRequestContext) async throws -> WebhookEndpoint {
        let principal = try context.require(.admin)
        guard let id = context.parameters.get("endpointID"), let endpoint = try await store.endpoint(id: id, tenant: principal.tenant) else {
            throw APIError.notFound("webhook endpoint")
        }
        return endpoint
    }
}
