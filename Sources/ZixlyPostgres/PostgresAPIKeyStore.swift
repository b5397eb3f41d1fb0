public import Foundation
import Logging
import PostgresNIO
public import ZixlyCore

public struct PostgresAPIKeyStore: APIKeyStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func create(_ key: APIKey, keyHash: String) async throws {
        _ = try await database.run {
            try await database.client.query(
                """
                INSERT INTO api_keys (id, name, key_hash, role, tenant, created_at)
                VALUES (\(key.id), \(key.name), \(keyHash), \(key.role.rawValue), \(key.tenant), \(key.createdAt))
                """, logger: logger)
        }
    }

    public func key(withHash hash: String) async throws -> APIKey? {
        try await keys("SELECT * FROM api_keys WHERE key_hash = \(hash) AND revoked_at IS NULL").first
    }

    public func keys() async throws -> [APIKey] {
        try await keys("SELECT * FROM api_keys ORDER BY created_at, id")
    }

    public func revoke(id: String, now: Date) async throws -> Bool {
        try await database.run {
            var revoked = false
            for try await _ in try await database.client.query(
                """
                UPDATE api_keys SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL RETURNING 1
                """, logger: logger)
            { revoked = true }
            return revoked
        }
    }

    private func keys(_ query: PostgresQuery) async throws -> [APIKey] {
        try await database.run {
            var keys: [APIKey] = []
            for try await row in try await database.client.query(query, logger: logger) {
                let row = row.makeRandomAccess()
                keys.append(
                    APIKey(
                        id: try row["id"].decode(String.self), name: try row["name"].decode(String.self),
                        role: Role(rawValue: try row["role"].decode(String.self)) ?? .viewer, tenant: try row["tenant"].decode(String.self),
                        createdAt: try row["created_at"].decode(Date.self), revokedAt: try row["revoked_at"].decode(Date?.self)))
            }
            return keys
        }
    }
}
