public import Foundation
import GRDB
public import ZixlyCore

public struct SQLiteSigningSecretStore: SigningSecretStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func signingSecrets() async throws -> [StoredSigningSecret] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_signing_secrets ORDER BY created_at, fingerprint").map { row in
                StoredSigningSecret(
                    fingerprint: row["fingerprint"], secret: row["secret"], createdAt: Date(unix: row["created_at"]),
                    expiresAt: (row["expires_at"] as Double?).map(Date.init(unix:)))
            }
        }
    }

    public func addSigningSecret(_ secret: StoredSigningSecret) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_signing_secrets (fingerprint, secret, created_at, expires_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (fingerprint) DO NOTHING
                    """, arguments: [secret.fingerprint, secret.secret, secret.createdAt.unix, secret.expiresAt?.unix])
            return db.changesCount == 1
        }
    }

    public func retireSigningSecret(fingerprint: String, expiresAt: Date, now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_signing_secrets (fingerprint, secret, created_at, expires_at) VALUES (?, NULL, ?, ?)
                    ON CONFLICT (fingerprint) DO UPDATE SET expires_at = min(coalesce(expires_at, excluded.expires_at), excluded.expires_at)
                    """, arguments: [fingerprint, now.unix, expiresAt.unix])
        }
    }
}
