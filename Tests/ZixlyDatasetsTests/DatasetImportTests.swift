import Crypto
import Foundation
import NIOCore
import SweepEngine
import Testing
import ZixlyArtifacts
import ZixlyCore
import ZixlyDatasets
import ZixlyTesting

@Suite("Dataset imports: streamed, checked, versioned; a bad file leaves nothing")
struct DatasetImportTests {
    struct Setup {
        let stores: TestStores
        let datasets: Datasets
        var artifactsRoot: URL { stores.directory.appendingPathComponent("artifacts") }

        init(_ kind: StoreKind = .sqlite, limits: Datasets.Limits = .init()) async throws {
            stores = try await TestStores.make(kind)
            var datasets = Datasets(
                catalog: stores.datasets, artifacts: FileArtifactStore(root: stores.directory.appendingPathComponent("artifacts")),
                directory: .bundled, clock: ManualClock())
            datasets.limits = limits
            self.datasets = datasets
        }

        /// Files under the artifact root, hidden ones included.
        func storedFiles() -> [String] {
            let enumerator = FileManager.default.enumerator(atPath: artifactsRoot.path)
            return (enumerator?.allObjects as? [String] ?? []).filter { !$0.hasSuffix("/") && $0.hasSuffix(".csv") || $0.hasSuffix(".tmp") }
        }
    }

    static let daily = """
        Date,Open,High,Low,Close,Volume
        2024-01-02,10,11,9.5,10.5,1000
        2024-01-03,10.5,10.9,10.1,10.2,1200
        2024-01-04,10.2,10.4,9.9,10.3,900
        2024-01-05,10.3,10.8,10.2,10.7,1100

        """

    static func body(_ data: Data, chunk: Int = 1 << 16) -> AsyncThrowingStream<ByteBuffer, any Error> {
        AsyncThrowingStream { continuation in
            for start in stride(from: 0, to: data.count, by: chunk) {
                continuation.yield(ByteBuffer(bytes: data[start..<min(data.count, start + chunk)]))
            }
            continuation.finish()
        }
    }

    static func gzip(_ data: Data) throws -> Data {
        let file = try TemporaryDirectory.make().appendingPathComponent("data.csv")
        try data.write(to: file)
        #expect(try Subprocess.run("/usr/bin/gzip", ["-k", file.path]).status == 0)
        return try Data(contentsOf: file.appendingPathExtension("gz"))
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test("a CSV becomes version 1, then 2; its hash, bars, dates and frequency are recorded; the bytes are kept as sent")
    func versions() async throws {
        let setup = try await Setup()
        let data = Data(Self.daily.utf8)
        let first = try await setup.datasets.importCSV(Self.body(data), ticker: "acme", tenant: "t1")
        #expect(first.ticker == "ACME" && first.version == 1 && first.bars == 4 && first.first == "2024-01-02" && first.last == "2024-01-05")
        #expect(first.sha256 == Self.sha256(data) && first.bytes == data.count && first.frequency == "daily" && first.barsPerYear == 252)
        #expect(try await setup.datasets.contents(of: first) == data)
        let second = try await setup.datasets.importCSV(Self.body(data, chunk: 1), ticker: "ACME", tenant: "t1")
        #expect(second.version == 2 && second.sha256 == first.sha256, "one byte at a time reads the same")
        #expect(try await setup.datasets.versions(of: "acme", tenant: "t1").map(\.version) == [2, 1])
        #expect(try await setup.datasets.versions(of: "ACME", tenant: "t2").isEmpty, "another tenant sees none of it")
        #expect(try await setup.datasets.resolve("ACME", version: nil, tenant: "t1") == second)
        #expect(try await setup.datasets.series(of: first).closes == [10.5, 10.2, 10.3, 10.7])
    }

    @Test("gzip is recognized by its bytes; the hash is of the CSV inside")
    func gzip() async throws {
        let setup = try await Setup()
        let data = Data(Self.daily.utf8)
        let imported = try await setup.datasets.importCSV(Self.body(try Self.gzip(data), chunk: 7), ticker: "ACME", tenant: "t1")
        #expect(imported.sha256 == Self.sha256(data) && imported.bars == 4)
        #expect(try await setup.datasets.contents(of: imported) == data)
    }

    @Test(
        "a bad file is refused naming its first bad line, and nothing is stored",
        arguments: [
            ("Date,Open,High,Low,Close\n2024-01-02,1,1,1,1\n", "line 1: the header has no Volume column"),
            ("Date,Open,High,Low,Close,Volume,close\n", "line 1: the header names Close 2 times"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,1,1\n02/01/2024,1,1,1,1,1\n", "line 3: Date '02/01/2024' is not an ISO date"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-03,1,1,1,1,1\n2024-01-02,1,1,1,1,1\n", "line 3: Date 2024-01-02 is not after 2024-01-03"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,1,1\n2024-01-02,1,1,1,1,1\n", "line 3: Date 2024-01-02 is not after"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,-1,1\n", "line 2: Close '-1' is not a positive number"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,nan,1\n", "line 2: Close 'nan' is not a positive number"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,0.5,0.9,1,1\n", "line 2: High 0.5 is below"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,1.5,1,1\n", "line 2: Low 1.5 is above"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,1,-5\n", "line 2: Volume '-5' is not a number of zero or more"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,1\n", "line 2: has 5 fields; the header has 6"),
            ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,1,1\n", "the file holds 1 price row; at least two are needed"),
            ("", "the file is empty"),
            ("Date,Open,High,Low,Close,Volume\n" + String(repeating: "9", count: 70_000), "line 2: is longer than 64 KiB"),
        ])
    func refused(file: String, message: String) async throws {
        let setup = try await Setup()
        do {
            _ = try await setup.datasets.importCSV(Self.body(Data(file.utf8), chunk: 5000), ticker: "ACME", tenant: "t1")
            Issue.record("accepted: \(file.prefix(80))")
        } catch let error as DatasetImportError {
            #expect("\(error)".hasPrefix(message), "\(error)")
        }
        #expect(setup.storedFiles().isEmpty, "\(setup.storedFiles())")
        #expect(try await setup.datasets.versions(of: "ACME", tenant: "t1").isEmpty)
    }

    @Test("truncated or corrupt gzip, and a file over the limit, are refused and leave nothing")
    func refusedStreams() async throws {
        let data = Data(Self.daily.utf8)
        let gzipped = try Self.gzip(data)
        let setup = try await Setup()
        await #expect(throws: DatasetImportError.invalidGzip("the gzip data stops before its end (truncated upload?)")) {
            _ = try await setup.datasets.importCSV(Self.body(gzipped.prefix(gzipped.count - 6)), ticker: "ACME", tenant: "t1")
        }
        var corrupt = gzipped
        corrupt[corrupt.count - 8] ^= 0xFF  // the CRC-32 of the data
        await #expect(throws: DatasetImportError.self) {
            _ = try await setup.datasets.importCSV(Self.body(corrupt), ticker: "ACME", tenant: "t1")
        }
        #expect(setup.storedFiles().isEmpty, "\(setup.storedFiles())")
        var limits = Datasets.Limits()
        limits.maximumBytes = 100
        let small = try await Setup(limits: limits)
        await #expect(throws: DatasetImportError.tooLarge(limit: 100)) {
            _ = try await small.datasets.importCSV(Self.body(data, chunk: 10), ticker: "ACME", tenant: "t1")
        }
        #expect(small.storedFiles().isEmpty, "\(small.storedFiles())")
        #expect("\(DatasetImportError.tooLarge(limit: 100))" == "the file is larger than 100 bytes (after gunzip)")
    }

    @Test("the directory's files are version 0 of their tickers, for every tenant; an upload becomes the newest", arguments: StoreKind.allCases)
    func directory(kind: StoreKind) async throws {
        let setup = try await Setup(kind)
        let goog = try #require(try await setup.datasets.resolve("goog", version: nil, tenant: "t1"))
        let file = try #require(MarketDataDirectory.bundled.contents(of: "GOOG"))
        #expect(goog.version == 0 && goog.source == "directory" && goog.sha256 == Self.sha256(file) && goog.bars == 2148)
        #expect(goog.frequency == "daily" && goog.artifactKey == nil)
        #expect(try await setup.datasets.latest(tenant: "t1").map(\.ticker) == ["BTCUSD", "EURUSD", "GOOG", "SYNTH"])
        let uploaded = try await setup.datasets.importCSV(Self.body(Data(Self.daily.utf8)), ticker: "GOOG", tenant: "t1")
        #expect(try await setup.datasets.resolve("GOOG", version: nil, tenant: "t1") == uploaded)
        #expect(try await setup.datasets.resolve("GOOG", version: 0, tenant: "t1") == goog)
        #expect(try await setup.datasets.resolve("GOOG", version: nil, tenant: "t2") == goog)
        #expect(try await setup.datasets.versions(of: "GOOG", tenant: "t1").map(\.version) == [1, 0])
        #expect(try await setup.datasets.latest(tenant: "t1").first { $0.ticker == "GOOG" }?.version == 1)
        #expect(try await setup.datasets.resolve("GOOG", version: 7, tenant: "t1") == nil)
    }

    @Test("on S3 (moto): a 6 MiB file goes up in 5 MiB parts and reads back whole; a refused one leaves no object")
    func s3() async throws {
        let moto = try await MotoServer()
        let store = S3ArtifactStore(
            configuration: .init(
                bucket: "datasets-\(UUID().uuidString.prefix(8).lowercased())", region: "us-east-1", endpoint: moto.endpoint,
                credentials: SigV4Signer.Credentials(accessKeyID: "test", secretAccessKey: "test"), uploadPartSize: 5 << 20))
        try await store.createBucket()
        let stores = try await TestStores.make(.postgres)
        let datasets = Datasets(catalog: stores.datasets, artifacts: store, directory: .bundled, clock: ManualClock())
        var lines = ["Date,Open,High,Low,Close,Volume"]
        // Every minute of January 2020's first 208 days, written without a date formatter.
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        outer: for month in 1...12 {
            for day in 1...28 {
                for minute in 0..<1440 {
                    guard lines.count < 140_000 else { break outer }
                    let close = 100 + Double(lines.count % 977) / 100
                    lines.append(
                        "2020-\(two(month))-\(two(day)) \(two(minute / 60)):\(two(minute % 60)),\(close),\(close + 0.5),\(close - 0.5),\(close),9")
                }
            }
        }
        let data = Data((lines.joined(separator: "\n") + "\n").utf8)
        #expect(data.count > 5 << 20)
        let imported = try await datasets.importCSV(Self.body(data, chunk: 1 << 18), ticker: "MINUTE", tenant: "t1")
        #expect(imported.bars == 139_999 && imported.frequency == "minute" && imported.sha256 == Self.sha256(data))
        #expect(try await datasets.contents(of: imported) == data)
        let broken = Data((lines.joined(separator: "\n") + "\n2019-01-01 00:00,1,1,1,1,1\n").utf8)  // out of order at the end
        await #expect(throws: DatasetImportError.self) {
            _ = try await datasets.importCSV(Self.body(broken, chunk: 1 << 18), ticker: "MINUTE", tenant: "t1")
        }
        #expect(try await store.list(prefix: "datasets/") == [imported.artifactKey].compactMap { $0 })
        #expect(try await datasets.versions(of: "MINUTE", tenant: "t1").map(\.version) == [1])
    }
}
