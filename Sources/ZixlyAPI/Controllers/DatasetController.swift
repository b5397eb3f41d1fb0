import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import ZixlyCore
import ZixlyDatasets

/// `/api/datasets`: the tenant's market data. Editors upload CSV (or gzip) bodies, streamed
/// into new versions; viewers list, describe and download them.
struct DatasetController {
    let datasets: Datasets
    /// Imports running in this process; one past the limit is 429.
    let imports: ImportSlots

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.post(":ticker", use: upload)
        routes.get(":ticker", use: versions)
        routes.get(":ticker/:version", use: show)
        routes.get(":ticker/:version/download", use: download)
        return routes
    }

    /// One version as the API shows it.
    struct DatasetResource: APIResource {
        var ticker: String
        var version: Int
        var source: String
        var sha256: String
        var bars: Int
        var first: String
        var last: String
        var frequency: String
        var barsPerYear: Double
        var bytes: Int
        @Nullable var createdAt: Date?
        var downloadUrl: String

        init(_ dataset: DatasetVersion) {
            ticker = dataset.ticker
            version = dataset.version
            source = dataset.source
            sha256 = dataset.sha256
            bars = dataset.bars
            first = dataset.first
            last = dataset.last
            frequency = dataset.frequency
            barsPerYear = dataset.barsPerYear
            bytes = dataset.bytes
            createdAt = dataset.createdAt
            downloadUrl = "/api/datasets/\(dataset.ticker)/\(dataset.version)/download"
        }
    }

    struct DatasetList: APIResource {
        var datasets: [DatasetResource]
    }

    struct VersionList: APIResource {
        var ticker: String
        var versions: [DatasetResource]
    }

    /// Media types an upload may have: CSV as text, or gzip (recognized by its bytes either way).
    static let uploadTypes: Set = ["text/csv", "application/csv", "text/plain", "application/gzip", "application/x-gzip", "application/octet-stream"]

    /// 201 with the new version; 400 naming the first bad line (nothing stored); 413 past the
    /// size limit; 408 past the time limit; 429 when this process is already importing its limit.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.editor)
        let ticker = try Self.ticker(context)
        let mediaType = request.headers[.contentType].map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() }
        guard let mediaType, Self.uploadTypes.contains(mediaType) else {
            throw APIError(.unsupportedMediaType, "Content-Type must be text/csv (gzip-compressed or not) or application/gzip")
        }
        guard imports.take() else {
            throw APIError.tooManyRequests("\(imports.limit) dataset imports are already running here; try again shortly", retryAfter: 5)
        }
        defer { imports.give() }
        let dataset: DatasetVersion
        do {
            dataset = try await datasets.importCSV(request.body, ticker: ticker, tenant: principal.tenant)
        } catch let error as DatasetImportError {
            switch error {
            case .invalidFile, .invalidGzip: throw APIError.badRequest("the dataset was not stored", fields: ["file": "\(error)"])
            case .tooLarge: throw APIError(.contentTooLarge, "the dataset was not stored: \(error)")
            case .tooSlow: throw APIError(.requestTimeout, "the dataset was not stored: \(error)")
            }
        }
        return try DatasetResource(dataset).response(.created)
    }

    /// Every ticker the tenant can sweep, with its newest version.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.viewer)
        return try DatasetList(datasets: try await datasets.latest(tenant: principal.tenant).map(DatasetResource.init)).response()
    }

    /// A ticker's versions, newest first (the directory's file last, as version 0).
    @Sendable func versions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.viewer)
        let ticker = try Self.ticker(context)
        let versions = try await datasets.versions(of: ticker, tenant: principal.tenant)
        guard !versions.isEmpty else { throw APIError.notFound("dataset \(ticker)") }
        return try VersionList(ticker: ticker, versions: versions.map(DatasetResource.init)).response()
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try DatasetResource(try await dataset(context)).response()
    }

    /// The CSV as uploaded: a redirect to a presigned URL where the store has one (S3), the bytes otherwise.
    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let dataset = try await dataset(context)
        if let key = dataset.artifactKey, let url = try await datasets.artifacts.downloadURL(for: key, expiresIn: 900) {
            return Response(status: .temporaryRedirect, headers: [.location: url.absoluteString])
        }
        guard let data = try await datasets.contents(of: dataset) else {
            throw APIError.notFound("the bytes of \(dataset.ticker) v\(dataset.version)")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(dataset.ticker)-v\(dataset.version).csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func dataset(_ context: AppRequestContext) async throws -> DatasetVersion {
        let principal = try context.require(.viewer)
        let ticker = try Self.ticker(context)
        guard let text = context.parameters.get("version"), let number = Int32(text), number >= 0 else {
            throw APIError.badRequest("invalid dataset version", fields: ["version": "must be a whole number within 0...\(Int32.max)"])
        }
        guard let dataset = try await datasets.version(Int(number), of: ticker, tenant: principal.tenant) else {
            throw APIError.notFound("dataset \(ticker) version \(number)")
        }
        return dataset
    }

    /// The `{ticker}` path segment, upper-cased; 400 naming what is wrong with it.
    static func ticker(_ context: AppRequestContext) throws -> String {
        let ticker = context.parameters.get("ticker").map { $0.removingPercentEncoding ?? $0 } ?? ""
        if let problem = MarketDataDirectory.tickerProblem(ticker) { throw APIError.badRequest("invalid ticker", fields: ["ticker": problem]) }
        return ticker.uppercased()
    }
}

/// How many imports one process runs at once: each holds a connection, a zlib window and an
/// upload part (up to 8 MiB), so a flood of uploads is refused rather than queued in memory.
public final class ImportSlots: Sendable {
    public let limit: Int
    private let running = Mutex(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// A slot, or false when all are taken.
    public func take() -> Bool {
        running.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    public func give() { running.withLock { $0 -= 1 } }
}
