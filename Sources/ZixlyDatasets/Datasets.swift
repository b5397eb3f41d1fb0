public import Foundation
public import NIOCore
public import SweepEngine
public import ZixlyCore

/// The market data a tenant's sweeps can run on: the versions it uploaded (numbered from 1, kept
/// in the artifact store, listed by the catalog) and the read-only files of the market-data
/// directory, version 0 of their tickers, which every tenant sees.
public struct Datasets: Sendable {
    /// What one upload may be.
    public struct Limits: Sendable {
        /// After gunzip (`ZIXLY_DATASET_MAX_MB`). Default 1 GiB, about 20 million daily rows.
        public var maximumBytes = 1 << 30
        /// From the first byte to the last (`ZIXLY_DATASET_UPLOAD_TIMEOUT_SECONDS`): a client
        /// trickling a byte at a time cannot hold an import open. Default 15 minutes.
        public var timeLimit: Duration = .seconds(900)
        public init() {}
    }

    public let catalog: any DatasetCatalog
    public let artifacts: any ArtifactStore
    public let directory: MarketDataDirectory
    public let clock: any WallClock
    public var limits = Limits()
    private let directoryVersions = DirectoryVersions()

    public init(catalog: any DatasetCatalog, artifacts: any ArtifactStore, directory: MarketDataDirectory, clock: any WallClock) {
        self.catalog = catalog
        self.artifacts = artifacts
        self.directory = directory
        self.clock = clock
    }

    /// Streams an upload into a new version of `ticker`: checked, hashed and stored as it
    /// arrives, then recorded. A refused file leaves nothing behind.
    /// - Throws: `DatasetImportError` for what is wrong with the file; the stores' errors otherwise.
    public func importCSV(_ body: some AsyncSequence<ByteBuffer, any Error>, ticker: String, tenant: String) async throws -> DatasetVersion {
        let ticker = ticker.uppercased()
        let key = "datasets/\(Self.pathSegment(tenant))/\(ticker)/\(UUID().uuidString.lowercased()).csv"
        let upload = try await artifacts.upload(to: key, contentType: "text/csv")
        var run = DatasetImport(limits: limits, upload: upload)
        let stored: (summary: DatasetFileSummary, sha256: String)
        do {
            for try await chunk in body { try await run.take(chunk) }
            stored = try await run.finish()
        } catch {
            await upload.abort()
            throw error
        }
        let version = DatasetVersion(
            ticker: ticker, version: 0, sha256: stored.sha256, bars: stored.summary.bars, first: stored.summary.first,
            last: stored.summary.last, frequency: stored.summary.annualization.frequency.rawValue,
            barsPerYear: stored.summary.annualization.barsPerYear, bytes: run.bytes, artifactKey: key, createdAt: clock.now())
        do {
            return try await catalog.add(version, tenant: tenant)
        } catch {
            try? await artifacts.delete(key)
            throw error
        }
    }

    /// Every ticker the tenant can sweep, with its newest version (an upload, else the directory's file), by ticker.
    public func latest(tenant: String) async throws -> [DatasetVersion] {
        var byTicker: [String: DatasetVersion] = [:]
        for ticker in directory.availableTickers() {
            if let file = await directoryVersion(of: ticker) { byTicker[ticker] = file }
        }
        for upload in try await catalog.latest(tenant: tenant) { byTicker[upload.ticker] = upload }
        return byTicker.keys.sorted().compactMap { byTicker[$0] }
    }

    /// Every version of a ticker, newest first; the directory's file, if any, last as version 0.
    public func versions(of ticker: String, tenant: String) async throws -> [DatasetVersion] {
        let ticker = ticker.uppercased()
        let uploads = try await catalog.versions(of: ticker, tenant: tenant)
        let file = await directoryVersion(of: ticker)
        return uploads + (file.map { [$0] } ?? [])
    }

    /// One version (0: the directory's file), or nil.
    public func version(_ number: Int, of ticker: String, tenant: String) async throws -> DatasetVersion? {
        let ticker = ticker.uppercased()
        return number == 0 ? await directoryVersion(of: ticker) : try await catalog.version(number, of: ticker, tenant: tenant)
    }

    /// The version a sweep runs on: `number` if given, else the newest upload, else the
    /// directory's file (described only when no upload is newer).
    public func resolve(_ ticker: String, version number: Int?, tenant: String) async throws -> DatasetVersion? {
        if let number { return try await version(number, of: ticker, tenant: tenant) }
        if let upload = try await catalog.versions(of: ticker.uppercased(), tenant: tenant).first { return upload }
        return await directoryVersion(of: ticker.uppercased())
    }

    /// The CSV bytes of a version, or nil if they are gone.
    public func contents(of dataset: DatasetVersion) async throws -> Data? {
        guard let key = dataset.artifactKey else { return directory.contents(of: dataset.ticker) }
        return try await artifacts.get(key)
    }

    /// A version's prices, parsed on one of Dispatch's threads.
    /// - Throws: `MarketDataError` naming the ticker when its bytes are gone or unreadable.
    public func series(of dataset: DatasetVersion) async throws -> PriceSeries {
        guard let data = try await contents(of: dataset) else {
            throw MarketDataError.unreadable(dataset.ticker, reason: "version \(dataset.version) is no longer stored")
        }
        return try await MarketDataDirectory.parse(data, ticker: dataset.ticker)
    }

    /// `tenant` as one path segment: letters, digits, `-` and `_` kept, every other byte `%XX`.
    static func pathSegment(_ tenant: String) -> String {
        tenant.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                String(UnicodeScalar(byte))
            default: String(format: "%%%02X", byte)
            }
        }.joined()
    }

    private func directoryVersion(of ticker: String) async -> DatasetVersion? {
        await directoryVersions.version(of: ticker, in: directory)
    }
}

/// The directory's files described once each (hash, bars, dates, frequency), again only when a
/// file's size or modification time changes.
actor DirectoryVersions {
    private var known: [String: (stamp: [Int], version: DatasetVersion)] = [:]

    func version(of ticker: String, in directory: MarketDataDirectory) async -> DatasetVersion? {
        guard let file = directory.fileURL(for: ticker),
            let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
            let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date
        else { return nil }
        let stamp = [size, Int(modified.timeIntervalSince1970 * 1000)]
        let name = ticker.uppercased()
        if let cached = known[name], cached.stamp == stamp { return cached.version }
        guard let (sha256, bytes, series) = await MarketDataDirectory.describe(file, ticker: name) else { return nil }
        let annualization = series.annualization
        let version = DatasetVersion(
            ticker: name, version: 0, sha256: sha256, bars: series.count, first: series.dates[0], last: series.dates[series.count - 1],
            frequency: annualization.frequency.rawValue, barsPerYear: annualization.barsPerYear, bytes: bytes, artifactKey: nil,
            createdAt: nil)
        known[name] = (stamp, version)
        return version
    }
}
