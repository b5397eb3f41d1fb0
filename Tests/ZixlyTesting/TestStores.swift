import Foundation
import ZixlyCore
import ZixlyQueue
import ZixlySQLite

/// The backends the conformance suite runs against. (PostgreSQL joins with the
/// production-backends issue; every test takes `StoreKind.allCases`.)
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    public var description: String { rawValue }
}

/// A fresh, migrated store of one kind, in its own temporary location.
public struct TestStores: Sendable {
    public let jobs: any JobStore
    public let results: any SweepResultStore
    public let apiKeys: any APIKeyStore
    public let directory: URL

    /// `busyTimeout`: how long a write waits for another connection's lock (tests of 503 use a short one).
    public static func make(_ kind: StoreKind, busyTimeout: TimeInterval = SQLiteDatabase.defaultBusyTimeout) throws -> TestStores {
        let directory = try TemporaryDirectory.make()
        switch kind {
        case .sqlite:
            let database = try SQLiteDatabase(path: directory.appendingPathComponent("zixly.db").path, busyTimeout: busyTimeout)
            try database.migrate()
            return TestStores(
                jobs: SQLiteJobStore(database: database), results: SQLiteSweepResultStore(database: database),
                apiKeys: SQLiteAPIKeyStore(database: database), directory: directory)
        }
    }
}

public enum TemporaryDirectory {
    public static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zixly-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
