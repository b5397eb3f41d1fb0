public import Foundation
public import SweepEngine
import ZixlyCore

/// A folder of `<TICKER>.csv` price files (`ZIXLY_MARKET_DATA_DIR`, or the bundled samples).
public struct MarketDataDirectory: Sendable {
    public let url: URL
    /// `url`'s path with a trailing `/`, made once: every webhook asks whether its ticker has a
    /// file, and building that question with `URL` and `FileManager` cost more than the system call.
    private let directoryPath: String

    public init(url: URL) {
        self.url = url
        let path = url.path
        directoryPath = path.hasSuffix("/") ? path : path + "/"
    }

    /// The samples shipped with Zixly: GOOG, EURUSD (hourly), BTCUSD (monthly) and SYNTH
    /// (a deterministic random walk, see scripts/make-synthetic-data.py).
    public static var bundled: MarketDataDirectory {
        MarketDataDirectory(url: Bundle.module.url(forResource: "SampleData", withExtension: nil)!)
    }

    /// Upper-case ticker names, sorted, one per `.csv` file.
    public func availableTickers() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.lowercased().hasSuffix(".csv") }
            .map { String($0.dropLast(4)).uppercased() }
            .filter(Self.isValidTicker)
            .sorted()
    }

    public func hasData(for ticker: String) -> Bool {
        fileName(for: ticker) != nil
    }

    /// Tickers a sweep or an upload may name: 3 to 20 characters (DESIGN §3), `isValidTicker`'s.
    public static let tickerLengths = 3...20

    /// What is wrong with `ticker` as a name to sweep or upload, or nil.
    public static func tickerProblem(_ ticker: String) -> String? {
        guard tickerLengths.contains(ticker.count) else { return "must be 3 to 20 characters" }
        guard isValidTicker(ticker) else { return "may hold only letters, digits and . - _ ^ =" }
        return nil
    }

    /// Letters, digits, `.`, `-`, `_`, `^`, `=`; 1–20 characters, not starting with `.`.
    public static func isValidTicker(_ ticker: String) -> Bool {
        let bytes = ticker.utf8
        guard (1...20).contains(bytes.count), bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "="):
                true
            default:
                false
            }
        }
    }

    /// The bytes of a ticker's file, or nil.
    public func contents(of ticker: String) -> Data? {
        fileURL(for: ticker).flatMap { try? Data(contentsOf: $0) }
    }

    /// Parses CSV bytes on one of Dispatch's threads, off the caller's event loop or concurrency thread.
    /// - Throws: `MarketDataError.invalidFile` naming the ticker and the line.
    static func parse(_ data: Data, ticker: String) async throws(MarketDataError) -> PriceSeries {
        try await DispatchWork.run { () throws(MarketDataError) in try parsed(data, ticker: ticker) }
    }

    /// A file of the directory read, hashed and parsed on one of Dispatch's threads; nil if it
    /// cannot be read or is not a valid price file.
    static func describe(_ file: URL, ticker: String) async -> (sha256: String, bytes: Int, series: PriceSeries)? {
        await DispatchWork.run { () -> (sha256: String, bytes: Int, series: PriceSeries)? in
            guard let data = try? Data(contentsOf: file), let series = try? parsed(data, ticker: ticker) else { return nil }
            return (SHA256Hex.of(data), data.count, series)
        }
    }

    private static func parsed(_ data: Data, ticker: String) throws(MarketDataError) -> PriceSeries {
        do throws(PriceSeriesError) {
            return try PriceSeries(csv: String(decoding: data, as: UTF8.self))
        } catch {
            throw .invalidFile(ticker, error)
        }
    }

    func fileURL(for ticker: String) -> URL? {
        fileName(for: ticker).map { url.appendingPathComponent($0) }
    }

    private func fileName(for ticker: String) -> String? {
        guard Self.isValidTicker(ticker) else { return nil }
        // The usual spelling costs one system call; only other spellings (goog.csv) need the listing.
        let usual = ticker.uppercased() + ".csv"
        if access(directoryPath + usual, F_OK) == 0 { return usual }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.first(where: { $0.lowercased() == ticker.lowercased() + ".csv" })
    }
}

public enum MarketDataError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, reason: String)
    case invalidFile(String, PriceSeriesError)

    public var description: String {
        switch self {
        case .unreadable(let ticker, let reason): "cannot read the data file of \(ticker): \(reason)"
        case .invalidFile(let ticker, let error): "the data file of \(ticker) is invalid: \(error)"
        }
    }
}
