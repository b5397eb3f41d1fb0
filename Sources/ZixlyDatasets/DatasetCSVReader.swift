public import SweepEngine

/// Checks an OHLCV file as it streams in, a piece at a time, holding one line at most:
/// a header naming `Date, Open, High, Low, Close, Volume` (any order and case; other columns
/// allowed and ignored), then one row per bar, oldest first, with an ISO date, positive prices
/// where `High` is the highest and `Low` the lowest, and a volume of zero or more. Blank lines are
/// skipped; `\n` and `\r\n` both end a line; a UTF-8 byte-order mark is ignored.
public struct DatasetCSVReader: Sendable {
    /// A line longer than this is refused (no real price row comes near it).
    public static let maximumLineBytes = 64 << 10
    static let required = ["Date", "Open", "High", "Low", "Close", "Volume"]

    private var pending: [UInt8] = []
    private var lineNumber = 0
    private var columns: [Int]?
    private var fieldCount = 0
    private var previous: (seconds: Int64, text: String)?
    private var spacing = BarSpacingObserver()
    private var startsFile = true
    public private(set) var bars = 0
    public private(set) var first: String?

    public init() {}

    /// Reads the next piece of the file.
    /// - Throws: `DatasetFileError` naming the first bad line and what is wrong with it.
    public mutating func read(_ bytes: UnsafeRawBufferPointer) throws(DatasetFileError) {
        var start = 0
        if startsFile, !bytes.isEmpty {
            startsFile = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        }
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if pending.isEmpty {
                    try line(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                } else {
                    pending.append(contentsOf: bytes[start..<index])
                    let whole = pending
                    pending.removeAll(keepingCapacity: true)
                    try line(whole)
                }
                start = index + 1
            }
            index += 1
        }
        pending.append(contentsOf: bytes[start..<bytes.count])
        if pending.count > Self.maximumLineBytes {
            throw DatasetFileError(line: lineNumber + 1, "is longer than \(Self.maximumLineBytes / 1024) KiB")
        }
    }

    /// Ends the file: its last line, and what it held.
    public mutating func finish() throws(DatasetFileError) -> DatasetFileSummary {
        if !pending.isEmpty {
            let whole = pending
            pending.removeAll()
            try line(whole)
        }
        guard columns != nil else { throw DatasetFileError(line: nil, "the file is empty: a header and at least two rows are needed") }
        guard bars >= 2, let first, let last = previous?.text else {
            throw DatasetFileError(line: nil, "the file holds \(bars) price row\(bars == 1 ? "" : "s"); at least two are needed")
        }
        return DatasetFileSummary(bars: bars, first: first, last: last, annualization: spacing.estimate)
    }

    private mutating func line(_ bytes: [UInt8]) throws(DatasetFileError) {
        var failure: DatasetFileError?
        bytes.withUnsafeBytes { buffer in
            do throws(DatasetFileError) { try line(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private mutating func line(_ raw: UnsafeRawBufferPointer) throws(DatasetFileError) {
        lineNumber += 1
        var bytes = raw[...]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }
        let fields = bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(Self.trimmed)
        guard let columns else { return try header(fields) }
        guard fields.count == fieldCount else { throw DatasetFileError(line: lineNumber, "has \(fields.count) fields; the header has \(fieldCount)") }
        let dateText = String(decoding: fields[columns[0]], as: UTF8.self)
        guard let seconds = BarTime.seconds(fields[columns[0]]) else {
            throw DatasetFileError(line: lineNumber, "Date '\(dateText)' is not an ISO date (YYYY-MM-DD, optionally with a time)")
        }
        if let previous, seconds <= previous.seconds {
            throw DatasetFileError(
                line: lineNumber, "Date \(dateText) is not after \(previous.text) (rows must be oldest first, without duplicates)")
        }
        var prices: [Double] = []
        for (name, column) in zip(["Open", "High", "Low", "Close"], columns[1...4]) {
            let text = String(decoding: fields[column], as: UTF8.self)
            guard let value = Double(text), value.isFinite, value > 0 else {
                throw DatasetFileError(line: lineNumber, "\(name) '\(text)' is not a positive number")
            }
            prices.append(value)
        }
        let (open, high, low, close) = (prices[0], prices[1], prices[2], prices[3])
        guard high >= max(open, close, low) else {
            throw DatasetFileError(line: lineNumber, "High \(high) is below the bar's Open, Close or Low")
        }
        guard low <= min(open, close) else { throw DatasetFileError(line: lineNumber, "Low \(low) is above the bar's Open or Close") }
        let volumeText = String(decoding: fields[columns[5]], as: UTF8.self)
        guard let volume = Double(volumeText), volume.isFinite, volume >= 0 else {
            throw DatasetFileError(line: lineNumber, "Volume '\(volumeText)' is not a number of zero or more")
        }
        if first == nil { first = dateText }
        previous = (seconds, dateText)
        spacing.observe(seconds)
        bars += 1
    }

    private mutating func header(_ fields: [ArraySlice<UInt8>]) throws(DatasetFileError) {
        let names = fields.map { String(decoding: $0, as: UTF8.self).lowercased() }
        var found: [Int] = []
        for name in Self.required {
            let matches = names.indices.filter { names[$0] == name.lowercased() }
            guard matches.count == 1 else {
                throw DatasetFileError(
                    line: lineNumber,
                    matches.isEmpty
                        ? "the header has no \(name) column (it needs Date, Open, High, Low, Close, Volume)"
                        : "the header names \(name) \(matches.count) times")
            }
            found.append(matches[0])
        }
        columns = found
        fieldCount = fields.count
    }

    private static func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var field = field
        while let first = field.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { field = field.dropFirst() }
        while let last = field.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { field = field.dropLast() }
        return field
    }
}

/// What a checked file holds.
public struct DatasetFileSummary: Sendable, Equatable {
    public var bars: Int
    public var first: String
    public var last: String
    public var annualization: AnnualizationEstimate
}

/// The first thing wrong with an uploaded file, and where.
public struct DatasetFileError: Error, Equatable, CustomStringConvertible {
    /// 1-based, the header being line 1; nil for what concerns the whole file.
    public var line: Int?
    public var reason: String

    public init(line: Int?, _ reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line.map { "line \($0): \(reason)" } ?? reason }
}
