import Foundation
import Logging
import PostgresNIO
public import ZixlyCore

/// `datasets` in PostgreSQL. The next version number is taken under a transaction-scoped advisory
/// lock on (tenant, ticker), so two uploads of one ticker at once get consecutive numbers.
public struct PostgresDatasetCatalog: DatasetCatalog {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func add(_ dataset: DatasetVersion, tenant: String) async throws -> DatasetVersion {
        guard let key = dataset.artifactKey, let createdAt = dataset.createdAt else {
            preconditionFailure("an uploaded dataset has an artifact key and an upload time")
        }
        return try await database.run {
            try await database.client.withTransaction(logger: logger) { connection in
                let lockName = tenant + "/" + dataset.ticker
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(lockName), 0))", logger: logger)
                let rows = try await connection.query(
                    """
                    INSERT INTO datasets (tenant, ticker, version, sha256, bars, first_bar, last_bar, frequency, bars_per_year, bytes,
                                          artifact_key, created_at)
                    SELECT \(tenant), \(dataset.ticker), COALESCE(MAX(version), 0) + 1, \(dataset.sha256), \(dataset.bars), \(dataset.first),
                           \(dataset.last), \(dataset.frequency), \(dataset.barsPerYear), \(dataset.bytes), \(key), \(createdAt)
                    FROM datasets WHERE tenant = \(tenant) AND ticker = \(dataset.ticker)
                    RETURNING version
                    """, logger: logger)
                var added = dataset
                for try await (version) in rows.decode(Int.self) { added.version = version }
                return added
            }
        }
    }

    public func versions(of ticker: String, tenant: String) async throws -> [DatasetVersion] {
        try await fetch("SELECT * FROM datasets WHERE tenant = \(tenant) AND ticker = \(ticker) ORDER BY version DESC")
    }

    public func version(_ version: Int, of ticker: String, tenant: String) async throws -> DatasetVersion? {
        try await fetch("SELECT * FROM datasets WHERE tenant = \(tenant) AND ticker = \(ticker) AND version = \(version)").first
    }

    public func latest(tenant: String) async throws -> [DatasetVersion] {
        try await fetch(
            """
            SELECT DISTINCT ON (ticker) * FROM datasets WHERE tenant = \(tenant) ORDER BY ticker, version DESC
            """)
    }

    private func fetch(_ query: PostgresQuery) async throws -> [DatasetVersion] {
        try await database.run {
            var found: [DatasetVersion] = []
            for try await row in try await database.client.query(query, logger: logger) {
                let row = row.makeRandomAccess()
                found.append(
                    DatasetVersion(
                        ticker: try row["ticker"].decode(String.self), version: try row["version"].decode(Int.self),
                        sha256: try row["sha256"].decode(String.self), bars: try row["bars"].decode(Int.self),
                        first: try row["first_bar"].decode(String.self), last: try row["last_bar"].decode(String.self),
                        frequency: try row["frequency"].decode(String.self), barsPerYear: try row["bars_per_year"].decode(Double.self),
                        bytes: try row["bytes"].decode(Int.self), artifactKey: try row["artifact_key"].decode(String.self),
                        createdAt: try row["created_at"].decode(Date.self)))
            }
            return found
        }
    }
}
