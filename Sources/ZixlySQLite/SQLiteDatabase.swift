public import Foundation
import GRDB
import ZixlyCore

/// The embedded database: one SQLite file in WAL mode, shared by the job, result and key stores.
/// Several processes may open the same file (an `api` and `worker`s on one machine).
public final class SQLiteDatabase: Sendable {
    let pool: DatabasePool
    public let path: String

    /// How long a statement waits for another process's write lock before giving up. Default 10 s.
    public static let defaultBusyTimeout: TimeInterval = 10

    /// Opens (creating if needed) the database at `path`.
    /// - Throws: `SQLiteOpenError` naming the path.
    public init(path: String, busyTimeout: TimeInterval = SQLiteDatabase.defaultBusyTimeout) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
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

    /// A write transaction (IMMEDIATE); a busy, locked or failing database becomes `StoreUnavailable`.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(updates)
        } catch let error as DatabaseError where error.meansUnavailable {
            throw StoreUnavailable(reason: "\(error.resultCode): \(error.message ?? "")")
        }
    }

    /// A read; a busy, locked or failing database becomes `StoreUnavailable`.
    func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch let error as DatabaseError where error.meansUnavailable {
            throw StoreUnavailable(reason: "\(error.resultCode): \(error.message ?? "")")
        }
    }

    /// Applies pending migrations (up to and including `last`, for tests of an upgrade).
    /// Idempotent; safe from several processes (IMMEDIATE transactions).
    public func migrate(upTo last: String? = nil) throws {
        if let last {
            try SQLiteMigrations.migrator.migrate(pool, upTo: last)
        } else {
            try SQLiteMigrations.migrator.migrate(pool)
        }
    }

    /// True when every known migration is applied (`/ready`).
    public func migrationsAreCurrent() async -> Bool {
        (try? await read { db in try SQLiteMigrations.migrator.hasCompletedMigrations(db) }) ?? false
    }

    /// Migrations applied so far, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteMigrations.migrator.appliedMigrations(db) }
    }
}

extension DatabaseError {
    /// Errors of the database itself (busy, locked, I/O, full, cannot open), not of the request.
    var meansUnavailable: Bool {
        [ResultCode.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PROTOCOL]
            .contains(resultCode.primaryResultCode)
    }
}

public struct SQLiteOpenError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot open SQLite database at \(path): \(reason)" }
}
