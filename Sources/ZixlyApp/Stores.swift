import Foundation
public import Logging
public import ServiceLifecycle
import ZixlyArtifacts
public import ZixlyCore
import ZixlyPostgres
public import ZixlyQueue
import ZixlySQLite
public import ZixlySweeps

/// The concrete stores picked from the configuration: the only place that names them.
public struct Stores: Sendable {
    public var jobs: any JobStore
    public var results: any SweepResultStore
    public var apiKeys: any APIKeyStore
    public var webhooks: any WebhookStore
    /// Dashboard users.
    public var users: any UserStore
    /// Inbound webhook signing secrets added or retired at run time.
    public var signingSecrets: any SigningSecretStore
    /// Uploaded datasets' metadata (their bytes are artifacts).
    public var datasets: any DatasetCatalog
    public var artifacts: any ArtifactStore
    /// What must run while the stores are used (PostgreSQL's connection pool); first in the
    /// service group, so it stops last.
    public var services: [any Service]
    /// A service that wakes this process's workers when another process enqueues (PostgreSQL's
    /// LISTEN/NOTIFY); nil where polling is all there is.
    public var wakeupService: (@Sendable (WorkSignal) -> any Service)?

    public init(
        jobs: any JobStore, results: any SweepResultStore, apiKeys: any APIKeyStore, webhooks: any WebhookStore, users: any UserStore,
        signingSecrets: any SigningSecretStore, datasets: any DatasetCatalog, artifacts: any ArtifactStore, services: [any Service] = [],
        wakeupService: (@Sendable (WorkSignal) -> any Service)? = nil
    ) {
        self.jobs = jobs
        self.results = results
        self.apiKeys = apiKeys
        self.webhooks = webhooks
        self.users = users
        self.signingSecrets = signingSecrets
        self.datasets = datasets
        self.artifacts = artifacts
        self.services = services
        self.wakeupService = wakeupService
    }

    /// Opens the database (migrating it unless told not to) and the artifact store.
    /// - Throws: `ConfigurationError` for a database that cannot be opened or reached, in one line.
    public static func open(_ configuration: AppConfiguration, logger: Logger = Logger(label: "zixly")) async throws -> Stores {
        let artifacts: any ArtifactStore
        switch configuration.resolvedArtifacts {
        case .files(let root):
            artifacts = FileArtifactStore(root: root)
        case .s3(let bucket, let prefix, let endpoint, let region, let credentials):
            let provider: any AWSCredentialProvider =
                switch credentials {
                case .keys(let accessKeyID, let secretAccessKey, let sessionToken):
                    SigV4Signer.Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
                case .webIdentity(let roleARN, let tokenFile, let sessionName, let stsEndpoint):
                    WebIdentityCredentials(
                        roleARN: roleARN, tokenFile: URL(fileURLWithPath: tokenFile), sessionName: sessionName, region: region, endpoint: stsEndpoint)
                }
            let store = S3ArtifactStore(
                configuration: .init(bucket: bucket, prefix: prefix, region: region, endpoint: endpoint, credentials: provider))
            do {
                _ = try await store.list(prefix: "results/.start-up-check")
            } catch {
                throw ConfigurationError("ZIXLY_ARTIFACTS_URL", "bucket cannot be used: \(error)")
            }
            artifacts = store
        }
        switch configuration.resolvedDatabase {
        case .postgres(let url):
            let database: PostgresDatabase
            do {
                database = try PostgresDatabase(url: url, logger: logger)
            } catch {
                throw ConfigurationError("ZIXLY_DATABASE_URL", "\(error)")
            }
            do {
                try await database.checkConnection()
                if configuration.migrate { try await database.migrate() }
            } catch {
                throw ConfigurationError("ZIXLY_DATABASE_URL", "cannot be reached or migrated: \(error)")
            }
            return Stores(
                jobs: PostgresJobStore(database: database), results: PostgresSweepResultStore(database: database),
                apiKeys: PostgresAPIKeyStore(database: database), webhooks: PostgresWebhookStore(database: database),
                users: PostgresUserStore(database: database), signingSecrets: PostgresSigningSecretStore(database: database),
                datasets: PostgresDatasetCatalog(database: database), artifacts: artifacts,
                services: [database],
                wakeupService: { PostgresWakeupListener(database: database, wakeups: $0) })
        case .sqlite(let path):
            let database: SQLiteDatabase
            do {
                database = try SQLiteDatabase(path: path)
                if configuration.migrate { try database.migrate() }
            } catch {
                throw ConfigurationError("ZIXLY_DATABASE_URL", "cannot be opened: \(error)")
            }
            return Stores(
                jobs: SQLiteJobStore(database: database), results: SQLiteSweepResultStore(database: database),
                apiKeys: SQLiteAPIKeyStore(database: database), webhooks: SQLiteWebhookStore(database: database),
                users: SQLiteUserStore(database: database), signingSecrets: SQLiteSigningSecretStore(database: database),
                datasets: SQLiteDatasetCatalog(database: database), artifacts: artifacts)
        }
    }
}
