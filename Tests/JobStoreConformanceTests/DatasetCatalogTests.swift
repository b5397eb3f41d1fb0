import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

@Suite("DatasetCatalog: uploaded dataset versions per tenant")
struct DatasetCatalogTests {
    static func upload(_ ticker: String, sha: String, at date: Date) -> DatasetVersion {
        DatasetVersion(
            ticker: ticker, version: 99, sha256: sha, bars: 10, first: "2024-01-01", last: "2024-01-12", frequency: "daily", barsPerYear: 252,
            bytes: 321, artifactKey: "datasets/t/\(ticker)/\(sha).csv", createdAt: date)
    }

    @Test("versions count from 1 per tenant and ticker; listed newest first; latest gives each ticker's newest", arguments: StoreKind.allCases)
    func versions(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let catalog = h.stores.datasets
        let first = try await catalog.add(Self.upload("GOOG", sha: "a1", at: h.clock.now()), tenant: "acme")
        h.clock.advance(by: 5)
        let second = try await catalog.add(Self.upload("GOOG", sha: "b2", at: h.clock.now()), tenant: "acme")
        let other = try await catalog.add(Self.upload("GOOG", sha: "c3", at: h.clock.now()), tenant: "globex")
        let aapl = try await catalog.add(Self.upload("AAPL", sha: "d4", at: h.clock.now()), tenant: "acme")
        #expect(first.version == 1 && second.version == 2 && other.version == 1 && aapl.version == 1)
        #expect(try await catalog.versions(of: "GOOG", tenant: "acme") == [second, first])
        #expect(try await catalog.version(1, of: "GOOG", tenant: "acme") == first)
        #expect(try await catalog.version(1, of: "GOOG", tenant: "globex")?.sha256 == "c3")
        #expect(try await catalog.version(3, of: "GOOG", tenant: "acme") == nil)
        #expect(try await catalog.versions(of: "MSFT", tenant: "acme").isEmpty)
        #expect(try await catalog.latest(tenant: "acme") == [aapl, second])
        #expect(try await catalog.latest(tenant: "nobody").isEmpty)
    }

    @Test("uploads of one ticker at once get distinct, consecutive versions", arguments: StoreKind.allCases)
    func concurrentAdds(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let catalog = h.stores.datasets
        let now = h.clock.now()
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask { try await catalog.add(Self.upload("SPY", sha: "s\(index)", at: now), tenant: "acme").version }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(versions.sorted() == Array(1...12))
    }
}
