import Testing

@testable import SweepEngine

@Suite("Reading price CSVs")
struct PriceSeriesTests {
    @Test("reads Date and Close by header name, skipping blank lines")
    func reads() throws {
        let series = try PriceSeries(csv: "Date,Open,High,Low,Close,Volume\r\n2020-01-01,1,1,1,10.5,100\n\n2020-01-02,1,1,1,11,100\n")
        #expect(series.dates == ["2020-01-01", "2020-01-02"] && series.closes == [10.5, 11])
    }

    @Test(
        "bad rows are named by line",
        arguments: [
            ("Date,Close\n2020-01-01,nan\n", PriceSeriesError.invalidClose(row: 2, value: "nan")),
            ("Date,Close\n2020-01-01,1\n2020-01-02,0\n", .invalidClose(row: 3, value: "0")),
            ("Date,Close\n2020-01-01,-4\n", .invalidClose(row: 2, value: "-4")),
            ("Date,Close\n2020-01-01,\n", .invalidClose(row: 2, value: "")),
            ("Date,Close\n2020-01-01\n", .wrongFieldCount(row: 2, expected: 2, found: 1)),
            ("Date,Close\n2020-01-02,1\n2020-01-01,2\n", .notAscending(row: 3, date: "2020-01-01", previous: "2020-01-02")),
            ("Date,Close\n2020-01-01,1\n2020-01-01,2\n", .notAscending(row: 3, date: "2020-01-01", previous: "2020-01-01")),
            (",Close\n,1\n", .emptyDate(row: 2)),
            ("Date,Open\n2020-01-01,1\n", .missingColumn("Close")),
            ("Date,Close\n", .empty),
            ("", .empty),
        ])
    func errors(text: String, expected: PriceSeriesError) {
        #expect(throws: expected) { try PriceSeries(csv: text) }
    }
}
