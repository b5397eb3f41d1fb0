public import Foundation
import Logging
public import ZixlyCore
public import ZixlyPostgres
public import ZixlyQueue
public import ZixlySQLite
public import ZixlySweeps

/// The backends the conformance suite runs against: every test takes `StoreKind.allCases`.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres
    public var description: String { rawValue }
}

/// A fresh, migrated store of one kind: a new SQLite file, or a new PostgreSQL database on the
/// server named by `ZIXLY_TEST_POSTGRES_URL` (which `scripts/test.sh` starts).
public struct TestStores: Sendable {
    public let jobs: any JobStore
    public let results: any SweepResultStore
    public let apiKeys: any APIKeyStore
    public let webhooks: any WebhookStore
    public let users: any UserStore
    public let signingSecrets: any SigningSecretStore
    public let datasets: any DatasetCatalog
    public let directory: URL
    /// Keeps a PostgreSQL pool running for as long as the stores are in use.
    let lifetime: PoolLifetime?

    /// `busyTimeout`: how long a SQLite write waits for another connection's lock (tests of 503 use a short one).
    public static func make(_ kind: StoreKind, busyTimeout: TimeInterval = SQLiteDatabase.defaultBusyTimeout) async throws -> TestStores {
        let directory = try TemporaryDirectory.make()
        switch kind {
        case .sqlite:
            let database = try SQLiteDatabase(path: directory.appendingPathComponent("zixly.db").path, busyTimeout: busyTimeout)
            try database.migrate()
            return TestStores(
                jobs: SQLiteJobStore(database: database), results: SQLiteSweepResultStore(database: database),
                apiKeys: SQLiteAPIKeyStore(database: database), webhooks: SQLiteWebhookStore(database: database),
                users: SQLiteUserStore(database: database), signingSecrets: SQLiteSigningSecretStore(database: database),
                datasets: SQLiteDatasetCatalog(database: database), directory: directory,
                lifetime: nil)
        case .postgres:
            let database = try await PostgresTestServer.freshDatabase()
            let lifetime = PoolLifetime(database)
            try await database.migrate()
            return TestStores(
                jobs: PostgresJobStore(database: database), results: PostgresSweepResultStore(database: database),
                apiKeys: PostgresAPIKeyStore(database: database), webhooks: PostgresWebhookStore(database: database),
                users: PostgresUserStore(database: database), signingSecrets: PostgresSigningSecretStore(database: database),
                datasets: PostgresDatasetCatalog(database: database), directory: directory,
                lifetime: lifetime)
        }
    }
}

/// The test PostgreSQL server.
public enum PostgresTestServer {
    /// `ZIXLY_TEST_POSTGRES_URL`, e.g. `postgres://postgres@127.0.0.1:55432/postgres`.
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ZIXLY_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw FactoryError("ZIXLY_TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, which starts PostgreSQL")
        }
        return url
    }

    /// Creates an empty database and returns it (its pool not yet running).
    public static func freshDatabase() async throws -> PostgresDatabase {
        try PostgresDatabase(url: try await freshDatabaseURL(), maximumConnections: 4, logger: Logger(label: "test"))
    }

    /// Creates an empty database and returns its URL.
    public static func freshDatabaseURL() async throws -> String {
        let admin = try url()
        let name = "zixly_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await PostgresDatabase(url: admin, maximumConnections: 1, logger: Logger(label: "test")).executeAlone("CREATE DATABASE \(name)")
        guard var components = URLComponents(string: admin) else { throw FactoryError("bad ZIXLY_TEST_POSTGRES_URL") }
        components.path = "/" + name
        return components.string!
    }
}

/// Runs a database's `run()` (pool and watchdog) until the last reference goes away.
final class PoolLifetime: Sendable {
    let task: Task<Void, Never>
    init(_ database: PostgresDatabase) {
        task = Task { await database.run() }
    }
    deinit { task.cancel() }
}

public enum TemporaryDirectory {
    public static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zixly-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
