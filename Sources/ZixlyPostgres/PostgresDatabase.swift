import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
public import PostgresNIO
public import ServiceLifecycle
import ZixlyCore

/// A PostgreSQL database reached through a connection pool. Its `run()` (the pool and the
/// operations' watchdog) must be running while stores use it: it is a `Service`, which the
/// composition root adds to the service group.
public final class PostgresDatabase: Service, Sendable {
    public let client: PostgresClient
    let connection: PostgresConnection.Configuration
    let logger: Logger
    /// Gives up on store operations past `operationTimeout` or while the server is gone.
    let watchdog: OperationWatchdog
    let availability = Availability()

    /// Advisory-lock key that serializes `migrate()` across replicas ("zixly" in ASCII).
    static let migrationLock: Int64 = 0x7A69_786C_79

    /// - Parameter url: `postgres://user:password@host:port/database[?sslmode=disable|require]`.
    /// - Throws: `PostgresURLError` naming what is wrong (never echoing the password).
    /// - Parameter operationTimeout: seconds a store operation may take (default 30).
    public init(url: String, maximumConnections: Int = 20, operationTimeout: Double = 30, logger: Logger) throws {
        watchdog = OperationWatchdog(limit: .seconds(operationTimeout))
        let parsed = try PostgresURL(url)
        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password, database: parsed.database,
            tls: parsed.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        var single = PostgresConnection.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password, database: parsed.database,
            tls: parsed.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
        single.options.connectTimeout = .seconds(5)
        connection = single
        self.logger = logger
    }

    /// Runs the connection pool and the watchdog of store operations until graceful shutdown.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask {
                await cancelWhenGracefulShutdown { await self.watchdog.watch { try await self.checkConnection() } }
            }
        }
    }

    /// Opens one connection of its own, outside the pool (failing within seconds, unlike the
    /// pool's retries); the caller closes it. `id` tells its log lines apart.
    func openConnection(id: Int = 1) async throws -> PostgresConnection {
        try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: connection, id: id, logger: logger)
            .get()
    }

    /// Opens one connection (failing within seconds, unlike the pool's retries), runs `body`, closes it.
    func withSingleConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await openConnection(id: 0)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs one statement on its own connection, outside any transaction (`CREATE DATABASE`, …).
    public func executeAlone(_ sql: String) async throws {
        _ = try await withSingleConnection { try await $0.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
    }

    /// Checks that the server answers, quickly.
    /// - Throws: `StoreUnavailable` with the reason.
    public func checkConnection() async throws {
        do {
            _ = try await withSingleConnection { try await $0.query("SELECT 1", logger: logger) }
        } catch {
            throw StoreUnavailable(reason: Self.describe(error))
        }
    }

    /// Applies pending migrations (up to and including `last`, for tests of an upgrade) under an
    /// advisory lock, so replicas starting together apply each migration once. Idempotent.
    public func migrate(upTo last: String? = nil) async throws {
        let all = PostgresMigrations.all
        let end = last.flatMap { last in all.firstIndex { $0.identifier == last } }.map { $0 + 1 } ?? all.count
        let migrations = all[..<end]
        try await withSingleConnection { connection in
            // Held until unlocked below, or until the connection closes if anything fails.
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS zixly_migrations (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            let applied = try await Self.applied(on: connection, logger: logger)
            for migration in migrations where !applied.contains(migration.identifier) {
                try await connection.withTransaction(logger: logger) { connection in
                    for statement in migration.sql {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO zixly_migrations (identifier) VALUES (\(migration.identifier))", logger: logger)
                }
                logger.info("applied migration", metadata: ["migration": "\(migration.identifier)"])
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
        }
    }

    /// True when the server answers and every migration is applied (`/ready`).
    public func migrationsAreCurrent() async -> Bool {
        do {
            let rows = try await client.query("SELECT identifier FROM zixly_migrations", logger: logger)
            var applied: Set<String> = []
            for try await identifier in rows.decode(String.self) { applied.insert(identifier) }
            return PostgresMigrations.all.allSatisfy { applied.contains($0.identifier) }
        } catch {
            return false
        }
    }

    static func applied(on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var applied: Set<String> = []
        for try await identifier in try await connection.query("SELECT identifier FROM zixly_migrations", logger: logger).decode(String.self) {
            applied.insert(identifier)
        }
        return applied
    }

    /// Runs a store operation. Losing the server becomes `StoreUnavailable` (the API's 503 with
    /// `Retry-After`), and so does an operation with no answer within `operationTimeout`. One still
    /// waiting after a second has the server probed on a connection of its own and fails at once
    /// if that fails; after a loss, operations fail at once until a probe (at most one a second)
    /// reaches the server again. So callers get their 503 within about a second instead of waiting
    /// on the pool's reconnects, while a long write to a healthy server runs to its end.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await availability.checkBeforeUse { try await self.checkConnection() }
        do {
            return try await watchdog.run(body)
        } catch {
            guard let unavailable = Self.unavailable(error) else { throw error }
            availability.markLost(unavailable)
            throw unavailable
        }
    }

    /// The `StoreUnavailable` an error means, or nil if it is not about reaching the server.
    static func unavailable(_ error: any Error) -> StoreUnavailable? {
        switch error {
        case let error as StoreUnavailable:
            return error
        case let error as PSQLError where meansUnavailable(error):
            return StoreUnavailable(reason: describe(error))
        case let error as PostgresTransactionError:
            let inner: [(any Error)?] = [error.beginError, error.closureError, error.commitError, error.rollbackError]
            return inner.compactMap { $0.flatMap(unavailable) }.first
        default:
            return nil
        }
    }

    static func meansUnavailable(_ error: PSQLError) -> Bool {
        if [.connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown].contains(error.code) {
            return true
        }
        // Connection exceptions (08…), operator intervention (57P01 shutdown, 57P02 crash, 57P03
        // starting up) and too many connections (53300): the server, not the statement.
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
        return "\(error)"
    }
}

/// The parts of a `postgres://` URL.
struct PostgresURL {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?
    var requireTLS: Bool

    init(_ text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw PostgresURLError("is not a postgres://user:password@host:port/database URL")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresURLError("has no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresURLError("has no user name") }
        self.host = host
        port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        guard ["disable", "prefer", "require", "verify-full"].contains(mode) else {
            throw PostgresURLError("has sslmode '\(mode)'; use disable, prefer, require or verify-full")
        }
        requireTLS = mode == "require" || mode == "verify-full"
    }
}

public struct PostgresURLError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
