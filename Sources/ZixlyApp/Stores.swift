import Foundation
import ZixlyArtifacts
import ZixlyCore
import ZixlyQueue
import ZixlySQLite

/// The concrete stores picked from the configuration: the only place that names them.
public struct Stores: Sendable {
    public var jobs: any JobStore
    public var results: any SweepResultStore
    public var apiKeys: any APIKeyStore
    public var artifacts: any ArtifactStore

    public init(jobs: any JobStore, results: any SweepResultStore, apiKeys: any APIKeyStore, artifacts: any ArtifactStore) {
        self.jobs = jobs
        self.results = results
        self.apiKeys = apiKeys
        self.artifacts = artifacts
    }

    /// Opens the database (migrating it unless told not to) and the artifact store.
    /// - Throws: `ConfigurationError` for a database this build cannot open.
    public static func open(_ configuration: AppConfiguration) throws -> Stores {
        switch configuration.resolvedDatabase {
        case .postgres:
            throw ConfigurationError("ZIXLY_DATABASE_URL", "postgres:// is not supported by this build yet; use sqlite://PATH")
        case .sqlite(let path):
            let database: SQLiteDatabase
            do {
                database = try SQLiteDatabase(path: path)
                if configuration.migrate { try database.migrate() }
            } catch {
                throw ConfigurationError("ZIXLY_DATABASE_URL", "cannot be opened: \(error)")
            }
            return Stores(
                jobs: SQLiteJobStore(database: database),
                results: SQLiteSweepResultStore(database: database),
                apiKeys: SQLiteAPIKeyStore(database: database),
                artifacts: FileArtifactStore(root: configuration.resolvedArtifactsDirectory))
        }
    }
}
