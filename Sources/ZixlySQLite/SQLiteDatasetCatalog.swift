import Foundation
import GRDB
public import ZixlyCore

/// `datasets` in the embedded database. Writes are serialized (BEGIN IMMEDIATE), so the next
/// version number cannot be taken twice.
public struct SQLiteDatasetCatalog: DatasetCatalog {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func add(_ dataset: DatasetVersion, tenant: String) async throws -> DatasetVersion {
        guard let key = dataset.artifactKey, let createdAt = dataset.createdAt else {
            preconditionFailure("an uploaded dataset has an artifact key and an upload time")
        }
        return try await database.write { db in
            let next =
                try Int.fetchOne(
                    db, sql: "SELECT COALESCE(MAX(version), 0) + 1 FROM datasets WHERE tenant = ? AND ticker = ?",
                    arguments: [tenant, dataset.ticker]) ?? 1
            var added = dataset
            added.version = next
            try db.execute(
                sql: """
                    INSERT INTO datasets (tenant, ticker, version, sha256, bars, first_bar, last_bar, frequency, bars_per_year, bytes,
                                          artifact_key, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    tenant, added.ticker, next, added.sha256, added.bars, added.first, added.last, added.frequency, added.barsPerYear,
                    added.bytes, key, createdAt.unix,
                ])
            return added
        }
    }

    public func versions(of ticker: String, tenant: String) async throws -> [DatasetVersion] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM datasets WHERE tenant = ? AND ticker = ? ORDER BY version DESC", arguments: [tenant, ticker]
            ).map(Self.dataset)
        }
    }

    public func version(_ version: Int, of ticker: String, tenant: String) async throws -> DatasetVersion? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM datasets WHERE tenant = ? AND ticker = ? AND version = ?", arguments: [tenant, ticker, version]
            ).map(Self.dataset)
        }
    }

    public func latest(tenant: String) async throws -> [DatasetVersion] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.* FROM datasets d
                    WHERE d.tenant = ? AND d.version = (SELECT MAX(version) FROM datasets WHERE tenant = d.tenant AND ticker = d.ticker)
                    ORDER BY d.ticker
                    """, arguments: [tenant]
            ).map(Self.dataset)
        }
    }

    static func dataset(_ row: Row) -> DatasetVersion {
        DatasetVersion(
            ticker: row["ticker"], version: row["version"], sha256: row["sha256"], bars: row["bars"], first: row["first_bar"],
            last: row["last_bar"], frequency: row["frequency"], barsPerYear: row["bars_per_year"], bytes: row["bytes"],
            artifactKey: row["artifact_key"], createdAt: Date(unix: row["created_at"]))
    }
}
