public import Foundation
import GRDB
public import ZixlyCore

public struct SQLiteUserStore: UserStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func create(_ user: UserAccount, passwordHash: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO users (id, username, password_hash, role, tenant, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (username) DO NOTHING
                    """, arguments: [user.id, user.username, passwordHash, user.role.rawValue, user.tenant, user.createdAt.unix])
            return db.changesCount == 1
        }
    }

    public func user(named username: String) async throws -> (user: UserAccount, passwordHash: String)? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ? AND disabled_at IS NULL", arguments: [username])
                .map { (UserAccount(row: $0), $0["password_hash"]) }
        }
    }

    public func user(id: String) async throws -> UserAccount? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ? AND disabled_at IS NULL", arguments: [id]).map(UserAccount.init(row:))
        }
    }

    public func users(tenant: String) async throws -> [UserAccount] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM users WHERE tenant = ? ORDER BY created_at, id", arguments: [tenant]).map(UserAccount.init(row:))
        }
    }

    public func setPasswordHash(_ hash: String, userID: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ? AND disabled_at IS NULL", arguments: [hash, userID])
            return db.changesCount == 1
        }
    }

    public func disable(id: String, tenant: String, now: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE users SET disabled_at = ? WHERE id = ? AND tenant = ? AND disabled_at IS NULL", arguments: [now.unix, id, tenant])
            return db.changesCount == 1
        }
    }
}

extension SQLiteUserStore {
    public func sessionGeneration(of subject: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT generation FROM session_generations WHERE subject = ?", arguments: [subject]) ?? 0
        }
    }

    public func endSessions(of subject: String) async throws -> Int {
        try await database.write { db in
            try Int.fetchOne(
                db,
                sql: """
                    INSERT INTO session_generations (subject, generation) VALUES (?, 1)
                    ON CONFLICT (subject) DO UPDATE SET generation = generation + 1
                    RETURNING generation
                    """, arguments: [subject]) ?? 0
        }
    }
}

extension UserAccount {
    init(row: Row) {
        self.init(
            id: row["id"], username: row["username"], role: Role(rawValue: row["role"]) ?? .viewer, tenant: row["tenant"],
            createdAt: Date(unix: row["created_at"]), disabledAt: (row["disabled_at"] as Double?).map(Date.init(unix:)))
    }
}
