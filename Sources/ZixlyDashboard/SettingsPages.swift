import Foundation
import Hummingbird
import StandardWebhooks
import ZixlyAPI
import ZixlyCore
import ZixlyQueue

/// `/settings` (admins): users, API keys (create, shown once; revoke), outbound webhook endpoints
/// (add, shown once; delete; delivery log with replay), and the inbound signing secrets (add,
/// shown once; retire).
struct SettingsPages: Sendable {
    let users: any UserStore
    let passwordHasher: PasswordHasher
    let apiKeys: any APIKeyStore
    let webhookEndpoints: any WebhookStore
    /// Which addresses endpoints may target.
    let outboundPolicy: OutboundAddressPolicy
    let signingSecrets: InboundSigningSecrets
    let clock: any WallClock
    let pages: Pages

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: settings)
        routes.post("users", use: createUser)
        routes.post("users/:userID/disable", use: disableUser)
        routes.post("keys", use: createKey)
        routes.post("keys/:keyID/revoke", use: revokeKey)
        routes.post("endpoints", use: createEndpoint)
        routes.post("endpoints/:endpointID/delete", use: deleteEndpoint)
        routes.get("endpoints/:endpointID", use: endpoint)
        routes.post("endpoints/:endpointID/deliveries/:deliveryID/replay", use: replay)
        routes.post("signing-secrets", use: addSigningSecret)
        routes.post("signing-secrets/:fingerprint/retire", use: retireSigningSecret)
        return routes
    }

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        return try await settingsPage(
            principal, context: context, extra: ["notice": Self.settingsNotice(request.uri.queryParameters.get("notice")) ?? false])
    }

    /// A user name (3–64 of a–z, 0–9, `.`, `_`, `-`), a password of 12 characters or more
    /// (stored as a scrypt hash), and a role.
    @Sendable func createUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        let form = FormFields(try await request.body.collect(upTo: 64 << 10))
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form["password"] ?? ""
        var errors: [String: String] = [:]
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789._-")
        if !(3...64).contains(username.count) || !username.unicodeScalars.allSatisfy(allowed.contains) {
            errors["username"] = "must be 3 to 64 of a–z, 0–9, '.', '_' and '-'"
        }
        if let problem = Passwords.problem(with: password) { errors["password"] = problem }
        let role = form["role"].flatMap(Role.init(rawValue:))
        if role == nil { errors["role"] = "must be one of viewer, editor, admin" }
        if errors.isEmpty, let role {
            let user = UserAccount(
                id: UUID().uuidString.lowercased(), username: username, role: role, tenant: principal.tenant, createdAt: clock.now())
            if try await users.create(user, passwordHash: try await passwordHasher.hash(password)) {
                return try await settingsPage(principal, context: context, extra: ["newUser": username])
            }
            errors["username"] = "is taken"
        }
        return try await settingsPage(
            principal, context: context, extra: ["error": "The user was not added.", "errors": errors], status: .badRequest)
    }

    @Sendable func disableUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        guard let id = context.parameters.get("userID"),
            try await users.disable(id: id, tenant: principal.tenant, now: clock.now())
        else { throw APIError.notFound("user") }
        return Pages.redirect("/settings?notice=user-disabled#users")
    }

    @Sendable func createKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        let form = FormFields(try await request.body.collect(upTo: 64 << 10))
        do {
            let (key, secret) = try await Provisioning.apiKey(
                name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces), role: form["role"], tenant: principal.tenant,
                store: apiKeys, now: clock.now())
            return try await settingsPage(
                principal, context: context,
                extra: [
                    "newKey": ["name": key.name, "role": key.role.rawValue, "secret": secret]
                ])
        } catch let error as APIError {
            return try await settingsPage(principal, context: context, extra: Self.problem(error), status: .badRequest)
        }
    }

    @Sendable func revokeKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard try Self.admin(context) != nil else { return Pages.redirect("/login") }
        guard let id = context.parameters.get("keyID"), try await apiKeys.revoke(id: id, now: clock.now()) else {
            throw APIError.notFound("API key")
        }
        return Pages.redirect("/settings?notice=key-revoked#keys")
    }

    @Sendable func createEndpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        let form = FormFields(try await request.body.collect(upTo: 64 << 10))
        let events = WebhookEventType.allCases.map(\.rawValue).filter { form["event_\($0)"] == "on" }
        do {
            let endpoint = try await Provisioning.webhookEndpoint(
                url: (form["url"] ?? "").trimmingCharacters(in: .whitespaces), events: events,
                description: form["description"] ?? "", tenant: principal.tenant, store: webhookEndpoints,
                now: clock.now(), policy: outboundPolicy)
            return try await settingsPage(
                principal, context: context,
                extra: [
                    "newEndpoint": ["url": endpoint.url, "secret": endpoint.secret]
                ])
        } catch let error as APIError {
            // The form keeps what was typed, so a mistyped URL can be corrected rather than retyped.
            let typed = ["url": form["url"] ?? "", "description": form["description"] ?? ""]
            return try await settingsPage(
                principal, context: context, extra: Self.problem(error).merging(["endpointForm": typed]) { _, new in new }, status: .badRequest)
        }
    }

    @Sendable func deleteEndpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        guard let id = context.parameters.get("endpointID"),
            try await webhookEndpoints.deleteEndpoint(id: id, tenant: principal.tenant, now: clock.now())
        else { throw APIError.notFound("webhook endpoint") }
        return Pages.redirect("/settings?notice=endpoint-deleted#endpoints")
    }

    @Sendable func endpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        guard let id = context.parameters.get("endpointID"),
            let endpoint = try await webhookEndpoints.endpoint(id: id, tenant: principal.tenant)
        else { throw APIError.notFound("webhook endpoint") }
        let deliveries = try await webhookEndpoints.deliveries(endpointID: endpoint.id, tenant: principal.tenant, limit: 50, offset: 0)
        let values: [String: Any] = [
            "endpoint": ["url": endpoint.url, "events": endpoint.events.map(\.rawValue).sorted().joined(separator: ", ")],
            "notice": request.uri.queryParameters.get("notice") == "replayed" ? "Replay queued: it is sent within a few seconds." : false,
            "deliveries": deliveries.map { delivery in
                [
                    "id": delivery.id, "endpointID": endpoint.id, "created": JobView.time(delivery.createdAt),
                    "eventType": delivery.eventType.rawValue, "status": delivery.status.rawValue, "attempts": delivery.attempts,
                    "lastAnswer": delivery.lastStatusCode.map { "HTTP \($0)" } ?? delivery.lastError ?? "—",
                ] as [String: Any]
            },
        ]
        return pages.render("endpoint", title: "Deliveries", values, context: context)
    }

    @Sendable func replay(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        guard let endpointID = context.parameters.get("endpointID"), let id = context.parameters.get("deliveryID"),
            let original = try await webhookEndpoints.delivery(id: id, tenant: principal.tenant),
            original.delivery.endpointID == endpointID,
            try await webhookEndpoints.replay(deliveryID: id, tenant: principal.tenant, now: clock.now()) != nil
        else { throw APIError.notFound("delivery") }
        return Pages.redirect("/settings/endpoints/\(endpointID)?notice=replayed")
    }

    /// A new inbound signing secret, shown once; `retire_others` (seconds, or `keep`) retires the
    /// current ones after that grace.
    @Sendable func addSigningSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        let form = FormFields(try await request.body.collect(upTo: 64 << 10))
        guard let grace = Self.grace(form["retire_others"], keepAllowed: true) else {
            return try await settingsPage(
                principal, context: context,
                extra: [
                    "error": "The secret was not added.", "errors": ["retire_others": "choose keep, now, 1 hour or 24 hours"],
                ], status: .badRequest)
        }
        let secret = try await signingSecrets.add(retiringOthersAfter: grace.seconds)
        var shown: [String: Any] = ["secret": secret.serialized, "fingerprint": secret.fingerprint, "retiring": false]
        if let label = grace.label { shown["retiring"] = label }
        return try await settingsPage(principal, context: context, extra: ["newSigningSecret": shown])
    }

    @Sendable func retireSigningSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = try Self.admin(context) else { return Pages.redirect("/login") }
        let form = FormFields(try await request.body.collect(upTo: 64 << 10))
        guard let grace = Self.grace(form["after"], keepAllowed: false), let seconds = grace.seconds else {
            return try await settingsPage(
                principal, context: context, extra: ["error": "Choose when the secret stops verifying."], status: .badRequest)
        }
        do {
            try await Provisioning.retireSigningSecret(
                fingerprint: context.parameters.get("fingerprint") ?? "", after: seconds, secrets: signingSecrets)
        } catch let error as APIError where error.status == .conflict {
            return try await settingsPage(principal, context: context, extra: ["error": error.message], status: .conflict)
        }
        return Pages.redirect("/settings?notice=secret-retired#signing-secrets")
    }

    /// The grace choices of the forms: `keep` (nil seconds), `0`, `3600` or `86400`; nil for anything else.
    static func grace(_ value: String?, keepAllowed: Bool) -> (seconds: TimeInterval?, label: String?)? {
        switch value {
        case "keep" where keepAllowed: (nil, nil)
        case "0": (0, "now")
        case "3600": (3600, "in 1 hour")
        case "86400": (86400, "in 24 hours")
        default: nil
        }
    }

    private func settingsPage(
        _ principal: Principal, context: AppRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let keys = try await apiKeys.keys().filter { $0.tenant == principal.tenant }
        let endpoints = try await webhookEndpoints.endpoints(tenant: principal.tenant)
        let users = try await users.users(tenant: principal.tenant)
        var values: [String: Any] = [
            "users": users.map { user in
                [
                    "id": user.id, "username": user.username, "role": user.role.rawValue, "created": JobView.time(user.createdAt),
                    "disabled": user.disabledAt.map(JobView.time) ?? false,
                ] as [String: Any]
            },
            "keys": keys.map { key in
                [
                    "id": key.id, "name": key.name, "role": key.role.rawValue, "created": JobView.time(key.createdAt),
                    "revoked": key.revokedAt.map(JobView.time) ?? false,
                ] as [String: Any]
            },
            "endpoints": endpoints.map { endpoint in
                [
                    "id": endpoint.id, "url": endpoint.url, "events": endpoint.events.map(\.rawValue).sorted().joined(separator: ", "),
                    "description": endpoint.description, "created": JobView.time(endpoint.createdAt),
                ]
            },
            "eventTypes": WebhookEventType.allCases.map(\.rawValue),
            "signingSecrets": try await signingSecrets.listing().map { secret in
                [
                    "fingerprint": secret.fingerprint, "configured": secret.source == .configured,
                    "added": secret.createdAt.map(JobView.time) ?? "configuration",
                    "status": secret.isActive ? (secret.expiresAt.map { "retires \(JobView.time($0))" } ?? "active") : "retired",
                    "active": secret.isActive,
                ] as [String: Any]
            },
            "errors": [String: String](),
        ]
        values.merge(extra) { _, new in new }
        return pages.render("settings", title: "Settings", values, context: context, status: status)
    }

    /// The admin principal; nil (go sign in) without one; 403 for a smaller role.
    static func admin(_ context: AppRequestContext) throws -> Principal? {
        guard let principal = context.principal else { return nil }
        guard principal.role >= .admin else { throw APIError(.forbidden, "settings need the admin role; you have \(principal.role.rawValue)") }
        return principal
    }

    static func problem(_ error: APIError) -> [String: Any] {
        var fields: [String: String] = [:]
        if case .object(let details)? = error.details {
            for (name, value) in details { fields[name] = value.stringValue }
        }
        return ["error": error.message, "errors": fields]
    }

    static func settingsNotice(_ code: String?) -> String? {
        switch code {
        case "key-revoked": "Key revoked: its sessions end at once."
        case "user-disabled": "User disabled: their sessions end at once."
        case "endpoint-deleted": "Endpoint deleted: it gets no more deliveries."
        case "secret-retired": "Signing secret retired: webhooks signed with it are refused from the time shown."
        default: nil
        }
    }
}
