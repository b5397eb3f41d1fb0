import Foundation
import Testing

@testable import SweepEngine

@Suite("Bar times and frequencies")
struct BarFrequencyTests {
    @Test(
        "ISO dates and times parse to UTC seconds; anything else is nil",
        arguments: [
            ("1970-01-01", Int64(0)), ("2024-02-29", 1_709_164_800), ("2024-02-29 13:45", 1_709_214_300), ("2024-02-29T13:45:30", 1_709_214_330),
            ("2024-02-29T13:45:30.250Z", 1_709_214_330), ("2024-02-29T15:45:30+02:00", 1_709_214_330), ("2024-02-29T08:45:30-0500", 1_709_214_330),
            ("1969-12-31", -86_400),
        ] as [(String, Int64)])
    func parses(text: String, seconds: Int64) {
        #expect(BarTime.seconds(text.utf8) == seconds)
    }

    @Test("malformed dates are refused", arguments: ["2023-02-29", "2024-13-01", "2024-1-01", "01/02/2024", "2024-01-01 25:00", "2024-01-01x", ""])
    func refuses(text: String) {
        #expect(BarTime.seconds(text.utf8) == nil)
    }

    @Test("weekdays: 1970-01-01 was a Thursday, 2024-03-02 a Saturday, 1969-12-28 a Sunday")
    func weekdays() {
        #expect(BarTime.weekday(0) == 4)
        #expect(BarTime.weekday(BarTime.seconds("2024-03-02 23:59".utf8)!) == 6)
        #expect(BarTime.weekday(BarTime.seconds("1969-12-28".utf8)!) == 0)
    }

    static func estimate(every step: Int64, from start: String, count: Int, skipWeekends: Bool = false, hours: ClosedRange<Int64>? = nil)
        -> AnnualizationEstimate
    {
        var observer = BarSpacingObserver()
        var time = BarTime.seconds(start.utf8)!
        var seen = 0
        while seen < count {
            let weekday = BarTime.weekday(time)
            let hour = (time % 86_400) / 3600
            if !(skipWeekends && (weekday == 0 || weekday == 6)) && hours.map({ $0.contains(hour) }) ?? true {
                observer.observe(time)
                seen += 1
            }
            time += step
        }
        return observer.estimate
    }

    @Test("spacings: stock days 252, crypto days 365, weeks 52, months 12, FX hours 24×252, stock minutes 390×252, crypto hours 24×365")
    func frequencies() {
        let day: Int64 = 86_400
        #expect(Self.estimate(every: day, from: "2020-01-01", count: 500, skipWeekends: true) == .init(frequency: .daily, barsPerYear: 252))
        #expect(Self.estimate(every: day, from: "2020-01-01", count: 500) == .init(frequency: .daily, barsPerYear: 365))
        #expect(Self.estimate(every: 7 * day, from: "2020-01-03", count: 100) == .init(frequency: .weekly, barsPerYear: 52))
        #expect(Self.estimate(every: 3600, from: "2020-01-06", count: 2000, skipWeekends: true) == .init(frequency: .hourly, barsPerYear: 6048))
        #expect(Self.estimate(every: 3600, from: "2020-01-06", count: 2000) == .init(frequency: .hourly, barsPerYear: 8760))
        let session = Self.estimate(every: 60, from: "2020-01-06 14:30", count: 5000, skipWeekends: true, hours: 14...20)
        #expect(session == .init(frequency: .minute, barsPerYear: 420 * 252), "7 hours of minutes a day, as generated")
        #expect(BarSpacingObserver().estimate == .tradingDays)
    }

    @Test("the shipped samples: GOOG and SYNTH daily (252), EURUSD hourly, BTCUSD monthly (12)")
    func samples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/ZixlyDatasets/SampleData")
        func estimate(_ name: String) throws -> AnnualizationEstimate {
            try PriceSeries(csv: String(contentsOf: root.appendingPathComponent("\(name).csv"), encoding: .utf8)).annualization
        }
        #expect(try estimate("GOOG") == .init(frequency: .daily, barsPerYear: 252))
        #expect(try estimate("SYNTH") == .init(frequency: .daily, barsPerYear: 252))
        #expect(try estimate("BTCUSD") == .init(frequency: .monthly, barsPerYear: 12))
        let eurusd = try estimate("EURUSD")
        #expect(eurusd.frequency == .hourly && eurusd.barsPerYear == 24 * 252, "\(eurusd)")
    }
}

@Suite("Annualizing by bars per year")
struct AnnualizationTests {
    @Test("Sharpe and Sortino scale with √P, the annualized return is (V/V0)^(P/N) − 1, trades per month use P/12 bars; the DSR does not change")
    func scaling() throws {
        let closes: [Double] = (0..<600).map { (bar: Int) -> Double in
            let t = Double(bar)
            return 100 + 8 * sin(t / 11) + t / 40
        }
        let series = try PriceSeries(dates: closes.indices.map { "bar \($0)" }, closes: closes)
        let grid = SweepGrid(fastRange: 3...9, slowRange: 12...30, step: 3)
        let daily = try Sweep.run(series, SweepRequest(strategy: .sma, grid: grid, minTrades: 1))
        let hourly = try Sweep.run(series, SweepRequest(strategy: .sma, grid: grid, minTrades: 1, barsPerYear: 6048))
        let scale: Double = (6048.0 / 252.0).squareRoot()
        func close(_ x: Double, _ y: Double, _ tolerance: Double) -> Bool { abs(x - y) <= tolerance * max(1, abs(y)) }
        for (a, b) in zip(daily.results, hourly.results) {
            #expect(close(b.sharpeRatio, a.sharpeRatio * scale, 1e-12))
            #expect(close(b.sortinoRatio, a.sortinoRatio * scale, 1e-12))
            let ratio: Double = 1 + a.totalReturnPct / 100
            let annualized: Double = pow(ratio, 6048.0 / 600.0) - 1
            #expect(close(b.annualizedReturn, annualized, 1e-9))
            #expect(close(b.tradesPerMonth, a.tradesPerMonth * 24, 1e-12), "a month holds 24 times the bars")
            #expect(a.totalReturnPct == b.totalReturnPct && a.maxDrawdownPct == b.maxDrawdownPct && a.totalTrades == b.totalTrades)
        }
        #expect(abs(daily.deflatedSharpeRatio - hourly.deflatedSharpeRatio) <= 1e-12, "the DSR works on per-bar Sharpe ratios")
    }
}
