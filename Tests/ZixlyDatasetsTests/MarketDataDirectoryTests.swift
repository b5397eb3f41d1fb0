import Foundation
import Testing
import ZixlyDatasets

@Suite("Market data directory")
struct MarketDataDirectoryTests {
    @Test(
        "ticker names: ASCII letters, digits and ._-^= only, 1 to 20 of them, not starting with a dot",
        arguments: [
            ("GOOG", true), ("BRK.B", true), ("^GSPC", true), ("EURUSD=X", true), ("btc-usd_1", true), ("A", true),
            (String(repeating: "X", count: 20), true), (String(repeating: "X", count: 21), false), ("", false),
            (".GOOG", false), ("../etc/passwd", false), ("GO OG", false), ("GOÖG", false), ("ＧＯＯＧ", false), ("GO/OG", false),
        ])
    func validTickers(ticker: String, valid: Bool) {
        #expect(MarketDataDirectory.isValidTicker(ticker) == valid)
    }

    @Test("a ticker has data when its file exists, in the usual spelling or another")
    func hasData() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zixly-market-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = "date,open,high,low,close,volume\n2024-01-02,1,1,1,1,1\n"
        try csv.write(to: folder.appendingPathComponent("GOOG.csv"), atomically: true, encoding: .utf8)
        try csv.write(to: folder.appendingPathComponent("btcusd.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("DIR.csv"), withIntermediateDirectories: true)

        // With and without a trailing slash on the folder's URL.
        for directory in [MarketDataDirectory(url: folder), MarketDataDirectory(url: URL(fileURLWithPath: folder.path + "/"))] {
            #expect(directory.hasData(for: "GOOG"))
            #expect(directory.hasData(for: "goog"))
            #expect(directory.hasData(for: "BTCUSD"))
            #expect(!directory.hasData(for: "MSFT"))
            #expect(!directory.hasData(for: "../GOOG"))
            #expect(directory.availableTickers() == ["BTCUSD", "DIR", "GOOG"])
        }
        #expect(!MarketDataDirectory(url: folder.appendingPathComponent("missing")).hasData(for: "GOOG"))
    }
}
