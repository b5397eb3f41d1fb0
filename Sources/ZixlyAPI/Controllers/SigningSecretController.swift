import Foundation
import Hummingbird
import StandardWebhooks
import ZixlyCore

/// `/api/webhook-signing-secrets` (admin): the secrets inbound webhooks are verified with. List
/// them (fingerprints, never the text), add one (shown once, optionally retiring the others after
/// a grace period) and retire one, without a restart.
struct SigningSecretController {
    let secrets: InboundSigningSecrets

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.post(use: add)
        routes.post(":fingerprint/retire", use: retire)
        return routes
    }

    /// A secret as the API lists it: its fingerprint, never its text.
    struct Secret: APIResource {
        var fingerprint: String
        var source: String
        @Nullable var createdAt: Date?
        @Nullable var expiresAt: Date?
        var active: Bool

        init(_ listing: InboundSigningSecrets.Listing) {
            (fingerprint, source, createdAt, expiresAt, active) = (
                listing.fingerprint, listing.source.rawValue, listing.createdAt, listing.expiresAt, listing.isActive
            )
        }
    }

    struct SecretList: APIResource {
        var secrets: [Secret]
    }

    /// A new secret, shown this once, and the list it joined.
    struct AddedSecret: APIResource {
        var secret: String
        var fingerprint: String
        var secrets: [Secret]
    }

    private func listing() async throws -> [Secret] {
        try await secrets.listing().map(Secret.init)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return try SecretList(secrets: try await listing()).response()
    }

    /// `{retire_others_after_seconds?}` → 201 `{secret, fingerprint, secrets}`.
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        let body = try await RequestBody.jsonObject(request, context: context)
        let grace = try Self.grace(body["retire_others_after_seconds"], field: "retire_others_after_seconds", optional: true)
        let secret = try await secrets.add(retiringOthersAfter: grace)
        return try AddedSecret(secret: secret.serialized, fingerprint: secret.fingerprint, secrets: try await listing()).response(.created)
    }

    /// `{after_seconds?}` (default 0: at once) → 200 `{secrets}`; 404 unknown; 409 for the last
    /// secret without an expiry.
    @Sendable func retire(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        let body = try await RequestBody.jsonObject(request, context: context)
        let grace = try Self.grace(body["after_seconds"], field: "after_seconds", optional: false) ?? 0
        let fingerprint = context.parameters.get("fingerprint") ?? ""
        try await Provisioning.retireSigningSecret(fingerprint: fingerprint, after: grace, secrets: secrets)
        return try SecretList(secrets: try await listing()).response()
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
}
