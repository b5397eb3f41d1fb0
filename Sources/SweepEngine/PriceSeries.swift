/// A daily (or any-frequency) OHLCV series, oldest bar first. The engine trades on `closes` only.
public struct PriceSeries: Sendable, Equatable {
    /// The first column of each row, kept verbatim (for equity curves and reports).
    public var dates: [String]
    /// Closing prices; every one finite and > 0.
    public var closes: [Double]

    public var count: Int { closes.count }

    /// Builds a series from already-validated columns.
    /// - Throws: `PriceSeriesError.invalidClose` if a close is not a finite positive number.
    public init(dates: [String], closes: [Double]) throws(PriceSeriesError) {
        precondition(dates.count == closes.count, "dates and closes must have the same length")
        for (index, close) in closes.enumerated() where !(close.isFinite && close > 0) {
            throw .invalidClose(row: index + 2, value: String(close))
        }
        self.dates = dates
        self.closes = closes
    }
}

/// What is wrong with a price file, naming the 1-based line of the file (the header is line 1).
public enum PriceSeriesError: Error, Equatable, CustomStringConvertible {
    case empty
    case missingColumn(String)
    case wrongFieldCount(row: Int, expected: Int, found: Int)
    case invalidClose(row: Int, value: String)
    case emptyDate(row: Int)
    case notAscending(row: Int, date: String, previous: String)

    public var description: String {
        switch self {
        case .empty: "the file holds no price rows"
        case .missingColumn(let name): "the header has no \(name) column"
        case .wrongFieldCount(let row, let expected, let found):
            "line \(row): expected \(expected) fields, found \(found)"
        case .invalidClose(let row, let value):
            "line \(row): Close '\(value)' is not a positive number"
        case .emptyDate(let row): "line \(row): the date is empty"
        case .notAscending(let row, let date, let previous):
            "line \(row): date \(date) is not after \(previous) (rows must be oldest first, without duplicates)"
        }
    }
}
