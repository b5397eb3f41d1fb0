import Foundation
import SweepEngine
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlySweeps
import ZixlyTesting

@Suite("SweepResultStore: fenced saves, sorting, latest run")
struct ResultStoreTests {
    static func row(_ fast: Int, _ slow: Int, sharpe: Double, ranked: Bool = true) -> CombinationMetrics {
        CombinationMetrics(
            fastPeriod: fast, slowPeriod: slow, totalReturnPct: Double(fast), annualizedReturn: 0.1, sharpeRatio: sharpe,
            sortinoRatio: .infinity, maxDrawdownPct: 10, winRatePct: .nan, profitFactor: 1.5, totalTrades: ranked ? 20 : 2,
            closedTrades: 1, tradesPerMonth: 0.5, avgTradeDuration: 3, score: sharpe * 0.9, isRanked: ranked)
    }

    static func run(_ job: JobID, _ id: String, at date: Date) -> SweepRun {
        SweepRun(
            sweepRunID: id, jobID: job, ticker: "GOOG", strategy: .sma, totalCombinations: 3, rankedCombinations: 2,
            executionTimeSeconds: 0.5, artifactKey: SweepRun.artifactKey(jobID: job, sweepRunID: id), createdAt: date)
    }

    @Test("rows saved under a live lease read back sorted, NaN last, infinities kept", arguments: StoreKind.allCases)
    func saveAndRead(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        let rows = [Self.row(2, 5, sharpe: 0.5), Self.row(3, 7, sharpe: .nan, ranked: false), Self.row(4, 9, sharpe: 1.5)]
        #expect(try await h.stores.results.save(Self.run(running.job.id, "run-1", at: h.clock.now()), rows: rows, under: running.lease))
        let bySharpe = try await h.stores.results.rows(for: running.job.id, sortBy: .sharpeRatio, descending: true, limit: nil, rankedOnly: false)
        #expect(bySharpe.map(\.fastPeriod) == [4, 2, 3])
        #expect(bySharpe[0].sortinoRatio == .infinity && bySharpe[0].winRatePct.isNaN)
        let ranked = try await h.stores.results.rows(for: running.job.id, sortBy: .fastPeriod, descending: false, limit: 1, rankedOnly: true)
        #expect(ranked.map(\.fastPeriod) == [2])
        #expect(try await h.stores.results.latestRun(for: running.job.id)?.sweepRunID == "run-1")
    }

    @Test("every double reads back bit for bit: repeating fractions, the extremes, negative infinity", arguments: StoreKind.allCases)
    func exactValues(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        let values = [
            0.1 + 0.2, 1.0 / 3.0, -2.0 / 7.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.infinity, 123_456.789e-300, 2.2250738585072014e-308,
        ]
        let rows = values.enumerated().map { index, value in
            var row = Self.row(index + 1, 100 + index, sharpe: value)
            row.totalReturnPct = -value
            return row
        }
        #expect(try await h.stores.results.save(Self.run(running.job.id, "run-1", at: h.clock.now()), rows: rows, under: running.lease))
        let stored = try await h.stores.results.rows(for: running.job.id, sortBy: .fastPeriod, descending: false, limit: nil, rankedOnly: false)
        #expect(stored.map(\.sharpeRatio.bitPattern) == values.map(\.bitPattern))
        #expect(stored.map(\.totalReturnPct.bitPattern) == values.map { (-$0).bitPattern })
    }

    @Test("a save under a lost lease writes nothing; a later run replaces the earlier rows", arguments: StoreKind.allCases)
    func fencedAndReplaced(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let old = try await h.factory.running(leaseFor: 5)
        h.clock.advance(by: 6)
        _ = try await h.stores.jobs.rescueExpired(limit: 10, retryPolicy: Harness.exactRetry, now: h.clock.now())
        #expect(
            try await !h.stores.results.save(Self.run(old.job.id, "stale", at: h.clock.now()), rows: [Self.row(2, 5, sharpe: 1)], under: old.lease))
        #expect(try await h.stores.results.latestRun(for: old.job.id) == nil)
        h.clock.advance(by: 2)
        let new = try #require(try await h.stores.jobs.claim(worker: Harness.otherWorker, limit: 1, leaseFor: 60, now: h.clock.now()).first)
        #expect(
            try await h.stores.results.save(Self.run(old.job.id, "first", at: h.clock.now()), rows: [Self.row(2, 5, sharpe: 1)], under: new.lease))
        h.clock.advance(by: 1)
        #expect(
            try await h.stores.results.save(Self.run(old.job.id, "second", at: h.clock.now()), rows: [Self.row(6, 9, sharpe: 2)], under: new.lease))
        let rows = try await h.stores.results.rows(for: old.job.id, sortBy: .score, descending: true, limit: nil, rankedOnly: false)
        #expect(rows.map(\.fastPeriod) == [6])
        #expect(try await h.stores.results.latestRun(for: old.job.id)?.sweepRunID == "second")
    }

    @Test(
        "pages: empty values last in either order, ties by fast then slow in the sort's direction, offsets continue a page",
        arguments: StoreKind.allCases)
    func pagesAndTies(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        let rows = [
            Self.row(2, 5, sharpe: 1), Self.row(2, 6, sharpe: 1), Self.row(3, 5, sharpe: 2), Self.row(4, 5, sharpe: .nan),
            Self.row(5, 6, sharpe: .nan), Self.row(6, 7, sharpe: 0.5),
        ]
        #expect(try await h.stores.results.save(Self.run(running.job.id, "run-1", at: h.clock.now()), rows: rows, under: running.lease))
        func order(_ descending: Bool, limit: Int? = nil, offset: Int = 0) async throws -> [String] {
            try await h.stores.results.rows(
                for: running.job.id, sortBy: .sharpeRatio, descending: descending, limit: limit, offset: offset, rankedOnly: false
            ).map { "\($0.fastPeriod)/\($0.slowPeriod)" }
        }
        #expect(try await order(true) == ["3/5", "2/6", "2/5", "6/7", "5/6", "4/5"])
        #expect(try await order(false) == ["6/7", "2/5", "2/6", "3/5", "4/5", "5/6"])
        #expect(try await order(true, limit: 2, offset: 3) == ["6/7", "5/6"], "a page that crosses into the empty values")
        #expect(try await order(false, limit: 2, offset: 4) == ["4/5", "5/6"])
        #expect(try await order(true, limit: 10, offset: 6).isEmpty)
    }

    @Test("statistics are stored with their run; the grid gives one metric, or several, per cell", arguments: StoreKind.allCases)
    func statisticsAndGrid(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        let rows = [Self.row(2, 5, sharpe: 0.5), Self.row(3, 7, sharpe: .nan, ranked: false), Self.row(4, 9, sharpe: 1.5)]
        var run = Self.run(running.job.id, "run-1", at: h.clock.now())
        run.statistics = SweepStatistics(rows: rows)
        #expect(try await h.stores.results.save(run, rows: rows, under: running.lease))
        let stored = try #require(try await h.stores.results.latestRun(for: running.job.id))
        #expect(stored.statistics == SweepStatistics(rows: rows) && stored.statistics?.bestSharpe == 1.5)
        #expect(try await h.stores.results.statistics(of: stored) == SweepStatistics(rows: rows))
        var unstored = stored
        unstored.statistics = nil
        #expect(try await h.stores.results.statistics(of: unstored) == SweepStatistics(rows: rows), "computed for runs that have none")
        let grid = try await h.stores.results.grid(for: running.job.id, metric: .sharpeRatio).sorted { $0.fastPeriod < $1.fastPeriod }
        #expect(grid.count == 3 && grid[0] == GridValue(fastPeriod: 2, slowPeriod: 5, value: 0.5) && grid[1].value.isNaN)
        #expect(try await h.stores.results.grid(for: running.job.id, metric: .totalTrades).map(\.value).sorted() == [2, 20, 20])
        let several = try await h.stores.results.grid(for: running.job.id, metrics: [.totalTrades, .sharpeRatio, .fastPeriod])
            .sorted { $0.fastPeriod < $1.fastPeriod }
        #expect(several.map(\.slowPeriod) == [5, 7, 9] && several[2].values == [20, 1.5, 4], "each row's values in the metrics' order")
        #expect(several[1].values[1].isNaN)
        #expect(several.map(\.isRanked) == [true, false, true] && grid.map(\.isRanked) == [true, false, true], "which cells are ranked")
        // One combination, by its place in the grid.
        let found = try #require(try await h.stores.results.row(for: running.job.id, fast: 4, slow: 9))
        #expect(found.sharpeRatio == 1.5 && found.totalTrades == rows[2].totalTrades && found.slowPeriod == 9)
        #expect(try await h.stores.results.row(for: running.job.id, fast: 3, slow: 7)?.isRanked == false)
        #expect(try await h.stores.results.row(for: running.job.id, fast: 4, slow: 7) == nil)
        #expect(try await h.stores.results.row(for: JobID(rawValue: "no-such-job"), fast: 4, slow: 9) == nil)
    }
}
