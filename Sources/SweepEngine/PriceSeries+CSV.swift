extension PriceSeries {
    /// Parses `Date,Open,High,Low,Close,Volume` text (header required, columns found by name,
    /// case-insensitive; only the first column and `Close` are used). Rows must be oldest first.
    ///
    /// Blank lines are skipped. Dates are compared as text, so ISO dates (`2020-01-31`,
    /// `2020-01-31 15:30:00`) are checked for order; other formats are accepted as given.
    /// - Throws: `PriceSeriesError`, naming the offending line.
    public init(csv text: String) throws(PriceSeriesError) {
        // "\r\n" is one Character in Swift, so split on each newline form.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
        guard let headerLine = lines.first else { throw .empty }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingSpaces().lowercased()
        }
        guard let closeColumn = header.firstIndex(of: "close") else { throw .missingColumn("Close") }
        var dates: [String] = []
        var closes: [Double] = []
        dates.reserveCapacity(lines.count)
        closes.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated().dropFirst() {
            let row = offset + 1
            if line.allSatisfy({ $0 == " " }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count else {
                throw .wrongFieldCount(row: row, expected: header.count, found: fields.count)
            }
            let date = fields[0].trimmingSpaces()
            guard !date.isEmpty else { throw .emptyDate(row: row) }
            let closeText = fields[closeColumn].trimmingSpaces()
            guard let close = Double(closeText), close.isFinite, close > 0 else {
                throw .invalidClose(row: row, value: closeText)
            }
            if let previous = dates.last, Self.looksISO(date), Self.looksISO(previous), date <= previous {
                throw .notAscending(row: row, date: date, previous: previous)
            }
            dates.append(date)
            closes.append(close)
        }
        guard !closes.isEmpty else { throw .empty }
        self.dates = dates
        self.closes = closes
    }

    private static func looksISO(_ date: String) -> Bool {
        let bytes = Array(date.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
