import Foundation
import Hummingbird
import StandardWebhooks
import ZixlyCore

/// `/api/webhook-endpoints` (admin): subscribe URLs to job events, read their delivery log,
/// replay a delivery. The signing secret is shown once, when the endpoint is created.
struct WebhookEndpointController {
    let services: APIServices

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/webhook-endpoints", use: list)
        router.post("/api/webhook-endpoints", use: create)
        router.get("/api/webhook-endpoints/:endpointID", use: show)
        router.delete("/api/webhook-endpoints/:endpointID", use: delete)
        router.get("/api/webhook-endpoints/:endpointID/deliveries", use: deliveries)
        router.get("/api/webhook-endpoints/:endpointID/deliveries/:deliveryID", use: delivery)
        router.post("/api/webhook-endpoints/:endpointID/deliveries/:deliveryID/replay", use: replay)
    }

    var store: any WebhookStore { services.webhookEndpoints }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.admin)
        let endpoints = try await store.endpoints(tenant: principal.tenant)
        return JSONValue.object(["endpoints": .array(endpoints.map(Self.json))]).response()
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
            tenant: principal.tenant, store: store, now: services.clock.now(), policy: services.outboundPolicy, fields: fields)
        return JSONValue.object(["endpoint": Self.json(endpoint), "secret": .string(endpoint.secret)]).response(.created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let endpoint = try await requireEndpoint(context)
        return Self.json(endpoint).response()
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.admin)
        guard let id = context.parameters.get("endpointID"),
            try await store.deleteEndpoint(id: id, tenant: principal.tenant, now: services.clock.now())
        else { throw APIError.notFound("webhook endpoint") }
        return Response(status: .noContent)
    }

    /// `?limit=&offset=` → `{deliveries, limit, offset}`, newest first.
    @Sendable func deliveries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let endpoint = try await requireEndpoint(context)
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        let limit = PipelineController.integer(query.get("limit"), field: "limit", in: 1...100, default: 20, fields: &fields)
        let offset = PipelineController.integer(query.get("offset"), field: "offset", in: 0...Int(Int32.max), default: 0, fields: &fields)
        guard fields.isEmpty else { throw APIError.badRequest("invalid query parameters", fields: fields) }
        let deliveries = try await store.deliveries(endpointID: endpoint.id, tenant: endpoint.tenant, limit: limit, offset: offset)
        return JSONValue.object([
            "deliveries": .array(deliveries.map(Self.json)), "limit": .number(Double(limit)), "offset": .number(Double(offset)),
        ]).response()
    }

    /// One delivery with its payload and every attempt.
    @Sendable func delivery(_ request: Request, context: AppRequestContext) async throws -> Response {
        let endpoint = try await requireEndpoint(context)
        guard let id = context.parameters.get("deliveryID"), let found = try await store.delivery(id: id, tenant: endpoint.tenant),
            found.delivery.endpointID == endpoint.id
        else { throw APIError.notFound("delivery") }
        var json = Self.json(found.delivery)
        json = json.merging([
            // Empty until the first attempt builds it from the job.
            "payload": found.delivery.payload.isEmpty ? .null : (try? JSONValue(jsonText: found.delivery.payload)) ?? .string(found.delivery.payload),
            "attempt_log": .array(found.attempts.map(Self.json)),
        ])
        return json.response()
    }

    /// Sends the delivery's event again as a new delivery (same `webhook-id`, so a receiver
    /// that deduplicates sees it as the same message) → 202 with the new delivery.
    @Sendable func replay(_ request: Request, context: AppRequestContext) async throws -> Response {
        let endpoint = try await requireEndpoint(context)
        guard let id = context.parameters.get("deliveryID"), let original = try await store.delivery(id: id, tenant: endpoint.tenant),
            original.delivery.endpointID == endpoint.id,
            let replayed = try await store.replay(deliveryID: id, tenant: endpoint.tenant, now: services.clock.now())
        else { throw APIError.notFound("delivery") }
        return JSONValue.object(["delivery": Self.json(replayed)]).response(.accepted)
    }

    private func requireEndpoint(_ context: AppRequestContext) async throws -> WebhookEndpoint {
        let principal = try context.require(.admin)
        guard let id = context.parameters.get("endpointID"), let endpoint = try await store.endpoint(id: id, tenant: principal.tenant) else {
            throw APIError.notFound("webhook endpoint")
        }
        return endpoint
    }

    static func json(_ endpoint: WebhookEndpoint) -> JSONValue {
        [
            "id": .string(endpoint.id), "url": .string(endpoint.url),
            "events": .array(endpoint.events.sorted().map { .string($0.rawValue) }),
            "description": .string(endpoint.description), "created_at": .string(ISO8601.string(endpoint.createdAt)),
        ]
    }

    static func json(_ delivery: WebhookDelivery) -> JSONValue {
        [
            "id": .string(delivery.id), "event_id": .string(delivery.eventID), "endpoint_id": .string(delivery.endpointID),
            "event_type": .string(delivery.eventType.rawValue), "status": .string(delivery.status.rawValue),
            "attempts": .number(Double(delivery.attempts)),
            "next_attempt_at": delivery.nextAttemptAt.map { .string(ISO8601.string($0)) } ?? .null,
            "last_status_code": delivery.lastStatusCode.map { .number(Double($0)) } ?? .null,
            "last_error": delivery.lastError.map(JSONValue.string) ?? .null,
            "replay_of": delivery.replayOf.map(JSONValue.string) ?? .null,
            "created_at": .string(ISO8601.string(delivery.createdAt)), "updated_at": .string(ISO8601.string(delivery.updatedAt)),
        ]
    }

    static func json(_ attempt: WebhookDeliveryAttempt) -> JSONValue {
        [
            "number": .number(Double(attempt.number)), "attempted_at": .string(ISO8601.string(attempt.attemptedAt)),
            "duration_seconds": .number(attempt.durationSeconds),
            "status_code": attempt.statusCode.map { .number(Double($0)) } ?? .null,
            "error": attempt.error.map(JSONValue.string) ?? .null,
            "response_body": attempt.responseBody.map(JSONValue.string) ?? .null,
        ]
    }
}
