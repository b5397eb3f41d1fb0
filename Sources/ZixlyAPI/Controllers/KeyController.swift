import Foundation
import Hummingbird
import ZixlyCore

/// `/api/keys` (admin): create (the key is shown once), list, revoke.
struct KeyController {
    let keys: any APIKeyStore
    let clock: any WallClock

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.post(use: create)
        routes.delete(":keyID", use: revoke)
        return routes
    }

    /// A key as the API shows it (never its secret).
    struct Key: APIResource {
        var id: String
        var name: String
        var role: String
        var createdAt: Date
        @Nullable var revokedAt: Date?

        init(_ key: APIKey) {
            (id, name, role, createdAt, revokedAt) = (key.id, key.name, key.role.rawValue, key.createdAt, key.revokedAt)
        }
    }

    struct KeyList: APIResource {
        var keys: [Key]
    }

    /// A new key and its secret, shown this once.
    struct CreatedKey: APIResource {
        var key: Key
        var apiKey: String
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        return try KeyList(keys: try await keys.keys().map(Key.init)).response()
    }

    /// `{name, role}` → 201 `{key, api_key}`; `api_key` is the only time the secret is shown.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.admin)
        let body = try await RequestBody.jsonObject(request, context: context)
        let (key, secret) = try await Provisioning.apiKey(
            name: body["name"]?.stringValue ?? "", role: body["role"]?.stringValue, tenant: principal.tenant,
            store: keys, now: clock.now())
        return try CreatedKey(key: Key(key), apiKey: secret).response(.created)
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        guard let id = context.parameters.get("keyID"), try await keys.revoke(id: id, now: clock.now()) else {
            throw APIError.notFound("API key")
        }
        return Response(status: .noContent)
    }
}
