public import Foundation
import StandardWebhooks
public import ZixlyCore

/// Making API keys and webhook endpoints, with the same rules and messages for the REST API and
/// the dashboard. Each secret is returned once, to be shown once.
public enum Provisioning {
    /// A key named `name` (1–100 characters) with `role` (viewer, editor, admin) for `tenant`.
    /// - Throws: `APIError` 400 naming each bad field.
    public static func apiKey(name: String, role: String?, tenant: String, store: any APIKeyStore, now: Date) async throws -> (
        key: APIKey, secret: String
    ) {
        var fields: [String: String] = [:]
        if name.isEmpty || name.count > 100 { fields["name"] = "is required, 1 to 100 characters" }
        let parsedRole = role.flatMap(Role.init(rawValue:))
        if parsedRole == nil { fields["role"] = "must be one of viewer, editor, admin" }
        guard fields.isEmpty, let parsedRole else { throw APIError.badRequest("invalid API key request", fields: fields) }
        let secret = APIKeys.generate()
        let key = APIKey(id: UUID().uuidString.lowercased(), name: name, role: parsedRole, tenant: tenant, createdAt: now)
        try await store.create(key, keyHash: APIKeys.hash(secret))
        return (key, secret)
    }

    /// An endpoint for `url` (http or https, with a host the `policy` allows) subscribed to
    /// `events` (all when nil; otherwise a non-empty list of known event types), with an optional
    /// description (≤ 200).
    /// - Throws: `APIError` 400 naming each bad field.
    public static func webhookEndpoint(
        url: String, events: [String]?, description: String, tenant: String, store: any WebhookStore, now: Date,
        policy: OutboundAddressPolicy, fields extra: [String: String] = [:]
    ) async throws -> WebhookEndpoint {
        var fields = extra
        if let problem = problem(withURL: url, policy: policy) { fields["url"] = problem }
        var subscribed = Set(WebhookEventType.allCases)
        if let events {
            let parsed = events.map(WebhookEventType.init(rawValue:))
            if events.isEmpty || parsed.contains(nil) {
                fields["events"] = "must list events among \(WebhookEventType.allCases.map(\.rawValue).joined(separator: ", "))"
            } else {
                subscribed = Set(parsed.compactMap { $0 })
            }
        }
        if description.count > 200 { fields["description"] = "must be at most 200 characters" }
        guard fields.isEmpty else { throw APIError.badRequest("invalid webhook endpoint", fields: fields) }
        let endpoint = WebhookEndpoint(
            id: WebhookIDs.endpoint(), tenant: tenant, url: url, events: subscribed,
            secret: WebhookSecret.generate().serialized, description: description, createdAt: now)
        try await store.createEndpoint(endpoint)
        return endpoint
    }

    /// Why `text` cannot be an endpoint URL, or nil if it can. Hosts are judged without DNS here
    /// (literal addresses, `localhost`); every delivery judges the addresses it resolves to.
    static func problem(withURL text: String, policy: OutboundAddressPolicy) -> String? {
        guard !text.isEmpty else { return "is required" }
        guard text.utf8.count <= 2048 else { return "must be at most 2048 bytes" }
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f || !$0.isASCII }) {
            return "must not contain spaces, control characters or non-ASCII characters (percent-encode them)"
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme)
        else { return "must be an http:// or https:// URL" }
        guard components.user == nil, components.password == nil else { return "must not carry a user name or password (user-info)" }
        guard let host = components.host, !host.isEmpty else { return "must name a host" }
        if let rule = policy.refusal(forHost: host) {
            return
                "must not target \(rule): outbound webhooks never reach internal networks (an operator can allow a range with ZIXLY_WEBHOOK_ALLOWED_CIDRS)"
        }
        return nil
    }

    /// Retires an inbound signing secret after `grace`: 404 for an unknown fingerprint, 409 for
    /// the last secret without an expiry.
    public static func retireSigningSecret(fingerprint: String, after grace: TimeInterval, secrets: InboundSigningSecrets) async throws {
        do {
            try await secrets.retire(fingerprint: fingerprint, after: grace)
        } catch let error as InboundSigningSecrets.RotationError {
            switch error {
            case .unknown: throw APIError.notFound("signing secret")
            case .lastPermanentSecret: throw APIError.conflict(error.description)
            }
        }
    }
}
