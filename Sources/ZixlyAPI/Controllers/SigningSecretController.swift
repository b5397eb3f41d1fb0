import Foundation
import Hummingbird
import StandardWebhooks
import ZixlyCore

/// `/api/webhook-signing-secrets` (admin): the secrets inbound webhooks are verified with. List
/// them (fingerprints, never the text), add one (shown once, optionally retiring the others after
/// a grace period) and retire one, without a restart.
struct SigningSecretController {
    let services: APIServices

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/webhook-signing-secrets", use: list)
        router.post("/api/webhook-signing-secrets", use: add)
        router.post("/api/webhook-signing-secrets/:fingerprint/retire", use: retire)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return JSONValue.object(["secrets": .array(try await services.signingSecrets.listing().map(Self.json))]).response()
    }

    /// `{retire_others_after_seconds?}` → 201 `{secret, fingerprint, secrets}`.
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        let body = try await RequestBody.jsonObject(request, context: context)
        let grace = try Self.grace(body["retire_others_after_seconds"], field: "retire_others_after_seconds", optional: true)
        let secret = try await services.signingSecrets.add(retiringOthersAfter: grace)
        return JSONValue.object([
            "secret": .string(secret.serialized), "fingerprint": .string(secret.fingerprint),
            "secrets": .array(try await services.signingSecrets.listing().map(Self.json)),
        ]).response(.created)
    }

    /// `{after_seconds?}` (default 0: at once) → 200 `{secrets}`; 404 unknown; 409 for the last
    /// secret without an expiry.
    @Sendable func retire(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        let body = try await RequestBody.jsonObject(request, context: context)
        let grace = try Self.grace(body["after_seconds"], field: "after_seconds", optional: false) ?? 0
        let fingerprint = context.parameters.get("fingerprint") ?? ""
        try await Provisioning.retireSigningSecret(fingerprint: fingerprint, after: grace, secrets: services.signingSecrets)
        return JSONValue.object(["secrets": .array(try await services.signingSecrets.listing().map(Self.json))]).response()
    }

    /// A grace in whole seconds within `InboundSigningSecrets.graceRange`; nil when absent and optional.
    static func grace(_ value: JSONValue?, field: String, optional: Bool) throws -> TimeInterval? {
        let range = InboundSigningSecrets.graceRange
        switch value {
        case nil, .null?:
            return optional ? nil : 0
        case .number(let seconds)? where seconds.rounded() == seconds && range.contains(seconds):
            return seconds
        default:
            throw APIError.badRequest("invalid request", fields: [field: "must be whole seconds from 0 to \(Int(range.upperBound))"])
        }
    }

    static func json(_ listing: InboundSigningSecrets.Listing) -> JSONValue {
        [
            "fingerprint": .string(listing.fingerprint), "source": .string(listing.source.rawValue),
            "created_at": listing.createdAt.map { .string(ISO8601.string($0)) } ?? .null,
            "expires_at": listing.expiresAt.map { .string(ISO8601.string($0)) } ?? .null,
            "active": .bool(listing.isActive),
        ]
    }
}
