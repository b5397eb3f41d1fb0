import Foundation
import Hummingbird
import ZixlyCore

/// `/api/keys` (admin): create (the key is shown once), list, revoke.
struct KeyController {
    let services: APIServices

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/keys", use: list)
        router.post("/api/keys", use: create)
        router.delete("/api/keys/:keyID", use: revoke)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        let keys = try await services.apiKeys.keys()
        return JSONValue.object(["keys": .array(keys.map(Self.json))]).response()
    }

    /// `{name, role}` → 201 `{key, api_key}`; `api_key` is the only time the secret is shown.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.admin)
        let body = try await RequestBody.jsonObject(request, context: context)
        let (key, secret) = try await Provisioning.apiKey(
            name: body["name"]?.stringValue ?? "", role: body["role"]?.stringValue, tenant: principal.tenant,
            store: services.apiKeys, now: services.clock.now())
        return JSONValue.object(["key": Self.json(key), "api_key": .string(secret)]).response(.created)
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        guard let id = context.parameters.get("keyID"), try await services.apiKeys.revoke(id: id, now: services.clock.now()) else {
            throw APIError.notFound("API key")
        }
        return Response(status: .noContent)
    }

    static func json(_ key: APIKey) -> JSONValue {
        [
            "id": .string(key.id), "name": .string(key.name), "role": .string(key.role.rawValue),
            "created_at": .string(ISO8601.string(key.createdAt)),
            "revoked_at": key.revokedAt.map { .string(ISO8601.string($0)) } ?? .null,
        ]
    }
}
