public import Foundation
import Logging
import PostgresNIO
public import ZixlyCore

public struct PostgresSigningSecretStore: SigningSecretStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func signingSecrets() async throws -> [StoredSigningSecret] {
        try await database.run {
            let rows = try await database.client.query(
                """
                SELECT fingerprint, secret, created_at, expires_at FROM webhook_signing_secrets ORDER BY created_at, fingerprint
                """, logger: logger)
            var secrets: [StoredSigningSecret] = []
            for try await (fingerprint, secret, createdAt, expiresAt) in rows.decode((String, String?, Date, Date?).self) {
                secrets.append(StoredSigningSecret(fingerprint: fingerprint, secret: secret, createdAt: createdAt, expiresAt: expiresAt))
            }
            return secrets
        }
    }

    public func addSigningSecret(_ secret: StoredSigningSecret) async throws -> Bool {
        try await database.run {
            var added = false
            for try await _ in try await database.client.query(
                """
                INSERT INTO webhook_signing_secrets (fingerprint, secret, created_at, expires_at)
                VALUES (\(secret.fingerprint), \(secret.secret), \(secret.createdAt), \(secret.expiresAt))
                ON CONFLICT (fingerprint) DO NOTHING RETURNING 1
                """, logger: logger)
            { added = true }
            return added
        }
    }

    public func retireSigningSecret(fingerprint: String, expiresAt: Date, now: Date) async throws {
        _ = try await database.run {
            try await database.client.query(
                """
                INSERT INTO webhook_signing_secrets (fingerprint, secret, created_at, expires_at) VALUES (\(fingerprint), NULL, \(now), \(expiresAt))
                ON CONFLICT (fingerprint) DO UPDATE
                SET expires_at = least(coalesce(webhook_signing_secrets.expires_at, excluded.expires_at), excluded.expires_at)
                """, logger: logger)
        }
    }
}
