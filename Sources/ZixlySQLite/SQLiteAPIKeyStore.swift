public import Foundation
import GRDB
public import ZixlyCore

public struct SQLiteAPIKeyStore: APIKeyStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func create(_ key: APIKey, keyHash: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_keys (id, name, key_hash, role, tenant, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [key.id, key.name, keyHash, key.role.rawValue, key.tenant, key.createdAt.unix])
        }
    }

    public func key(withHash hash: String) async throws -> APIKey? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", arguments: [hash])
                .map(APIKey.init(row:))
        }
    }

    public func keys() async throws -> [APIKey] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created_at, id").map(APIKey.init(row:))
        }
    }

    public func revoke(id: String, now: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now.unix, id])
            return db.changesCount == 1
        }
    }
}

extension APIKey {
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .viewer, tenant: row["tenant"],
            createdAt: Date(unix: row["created_at"]), revokedAt: (row["revoked_at"] as Double?).map(Date.init(unix:)))
    }
}
