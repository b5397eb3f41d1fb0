public import Foundation
import Logging
import PostgresNIO
public import ZixlyCore

public struct PostgresUserStore: UserStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func create(_ user: UserAccount, passwordHash: String) async throws -> Bool {
        try await database.run {
            var created = false
            for try await _ in try await database.client.query(
                """
                INSERT INTO users (id, username, password_hash, role, tenant, created_at)
                VALUES (\(user.id), \(user.username), \(passwordHash), \(user.role.rawValue), \(user.tenant), \(user.createdAt))
                ON CONFLICT (username) DO NOTHING RETURNING 1
                """, logger: logger)
            { created = true }
            return created
        }
    }

    public func user(named username: String) async throws -> (user: UserAccount, passwordHash: String)? {
        try await rows("SELECT * FROM users WHERE username = \(username) AND disabled_at IS NULL").first
    }

    public func user(id: String) async throws -> UserAccount? {
        try await rows("SELECT * FROM users WHERE id = \(id) AND disabled_at IS NULL").first?.user
    }

    public func users(tenant: String) async throws -> [UserAccount] {
        try await rows("SELECT * FROM users WHERE tenant = \(tenant) ORDER BY created_at, id").map(\.user)
    }

    public func setPasswordHash(_ hash: String, userID: String) async throws -> Bool {
        try await database.run {
            var changed = false
            for try await _ in try await database.client.query(
                """
                UPDATE users SET password_hash = \(hash) WHERE id = \(userID) AND disabled_at IS NULL RETURNING 1
                """, logger: logger)
            { changed = true }
            return changed
        }
    }

    public func disable(id: String, tenant: String, now: Date) async throws -> Bool {
        try await database.run {
            var disabled = false
            for try await _ in try await database.client.query(
                """
                UPDATE users SET disabled_at = \(now) WHERE id = \(id) AND tenant = \(tenant) AND disabled_at IS NULL RETURNING 1
                """, logger: logger)
            { disabled = true }
            return disabled
        }
    }

    public func sessionGeneration(of subject: String) async throws -> Int {
        try await database.run {
            var generation = 0
            for try await row in try await database.client.query(
                "SELECT generation FROM session_generations WHERE subject = \(subject)", logger: logger)
            {
                generation = Int(try row.decode(Int64.self))
            }
            return generation
        }
    }

    public func endSessions(of subject: String) async throws -> Int {
        try await database.run {
            var generation = 0
            for try await row in try await database.client.query(
                """
                INSERT INTO session_generations (subject, generation) VALUES (\(subject), 1)
                ON CONFLICT (subject) DO UPDATE SET generation = session_generations.generation + 1
                RETURNING generation
                """, logger: logger)
            {
                generation = Int(try row.decode(Int64.self))
            }
            return generation
        }
    }

    private func rows(_ query: PostgresQuery) async throws -> [(user: UserAccount, passwordHash: String)] {
        try await database.run {
            var users: [(user: UserAccount, passwordHash: String)] = []
            for try await row in try await database.client.query(query, logger: logger) {
                let row = row.makeRandomAccess()
                users.append(
                    (
                        UserAccount(
                            id: try row["id"].decode(String.self), username: try row["username"].decode(String.self),
                            role: Role(rawValue: try row["role"].decode(String.self)) ?? .viewer, tenant: try row["tenant"].decode(String.self),
                            createdAt: try row["created_at"].decode(Date.self), disabledAt: try row["disabled_at"].decode(Date?.self)),
                        try row["password_hash"].decode(String.self)
                    ))
            }
            return users
        }
    }
}
