import Foundation
import GRDB

/// The embedded database: one SQLite file in WAL mode, shared by the job, result and key stores.
/// Several processes may open the same file (an `api` and `worker`s on one machine).
public final class SQLiteDatabase: Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path`.
    /// - Throws: `SQLiteOpenError` naming the path.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw SQLiteOpenError(path: path, reason: "\(error)")
        }
    }

    /// Applies pending migrations. Idempotent; safe from several processes (IMMEDIATE transactions).
    public func migrate() throws {
        try SQLiteMigrations.migrator.migrate(pool)
    }

    /// True when every known migration is applied (`/ready`).
    public func migrationsAreCurrent() async -> Bool {
        (try? await pool.read { db in try SQLiteMigrations.migrator.hasCompletedMigrations(db) }) ?? false
    }

    /// Migrations applied so far, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteMigrations.migrator.appliedMigrations(db) }
    }
}

public struct SQLiteOpenError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot open SQLite database at \(path): \(reason)" }
}
