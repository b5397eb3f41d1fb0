public import Foundation

/// One version of one ticker's price history, as a sweep can name it: uploaded versions count
/// from 1; version 0 is the read-only file of the market-data directory (or a shipped sample).
public struct DatasetVersion: Sendable, Equatable {
    /// Upper-case, `MarketDataDirectory.isValidTicker`.
    public var ticker: String
    public var version: Int
    /// Hex SHA-256 of the CSV bytes as received (after any gunzip): what a result can be checked against.
    public var sha256: String
    /// Price rows.
    public var bars: Int
    /// The first and last rows' dates, as written.
    public var first: String
    public var last: String
    /// The bar spacing the dates show (`BarFrequency` in SweepEngine): `daily`, `hourly`, …
    public var frequency: String
    /// The periods per year that spacing annualizes with.
    public var barsPerYear: Double
    /// Size of the CSV in bytes.
    public var bytes: Int
    /// Where the CSV is in the artifact store; nil for the directory's files.
    public var artifactKey: String?
    /// When it was uploaded; nil for the directory's files.
    public var createdAt: Date?

    public init(
        ticker: String, version: Int, sha256: String, bars: Int, first: String, last: String, frequency: String, barsPerYear: Double,
        bytes: Int, artifactKey: String?, createdAt: Date?
    ) {
        self.ticker = ticker
        self.version = version
        self.sha256 = sha256
        self.bars = bars
        self.first = first
        self.last = last
        self.frequency = frequency
        self.barsPerYear = barsPerYear
        self.bytes = bytes
        self.artifactKey = artifactKey
        self.createdAt = createdAt
    }

    /// Uploaded (versions 1…) or the directory's read-only file (version 0).
    public var source: String { version == 0 ? "directory" : "upload" }
}

/// The uploaded versions' metadata, per tenant (the bytes are in the artifact store).
public protocol DatasetCatalog: Sendable {
    /// Records a new version of `dataset.ticker` numbered one past the newest (1 for the first),
    /// and returns it with that number. `dataset.version` is ignored.
    func add(_ dataset: DatasetVersion, tenant: String) async throws -> DatasetVersion
    /// Every version of a ticker, newest first (empty for an unknown ticker).
    func versions(of ticker: String, tenant: String) async throws -> [DatasetVersion]
    /// One version, or nil.
    func version(_ version: Int, of ticker: String, tenant: String) async throws -> DatasetVersion?
    /// The newest version of every ticker, by ticker.
    func latest(tenant: String) async throws -> [DatasetVersion]
}
