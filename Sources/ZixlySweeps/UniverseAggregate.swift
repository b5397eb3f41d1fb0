public import ZixlyCore

/// The ranking of one grid across many tickers: for each (fast, slow), the median of the
/// tickers' Sharpe ratios, the share of tickers on which it beat buy-and-hold, and its worst
/// drawdown on any of them. Built ticker by ticker from each one's stored rows (every row, ranked
/// or not: a combination is judged on every ticker it ran on).
public struct UniverseAggregate: Sendable, Equatable {
    /// One (fast, slow) across the tickers.
    public struct Row: Sendable, Equatable {
        public var fastPeriod: Int
        public var slowPeriod: Int
        /// The median over tickers of the finite Sharpe ratios (NaN when none is finite).
        public var medianSharpe: Double
        /// How many tickers gave a finite Sharpe ratio (the median's sample).
        public var tickersWithSharpe: Int
        /// Share of tickers (0–1) whose total return beat that ticker's buy-and-hold return.
        public var shareBeatingBuyAndHold: Double
        /// The largest maximum drawdown (percent) over the tickers.
        public var worstDrawdownPct: Double

        /// The row's value of a sort column.
        func value(_ key: SortKey) -> Double {
            switch key {
            case .medianSharpe: medianSharpe
            case .shareBeatingBuyAndHold: shareBeatingBuyAndHold
            case .worstDrawdownPct: worstDrawdownPct
            case .fastPeriod: Double(fastPeriod)
            case .slowPeriod: Double(slowPeriod)
            }
        }

        public var json: JSONValue {
            [
                "fast_period": .number(Double(fastPeriod)), "slow_period": .number(Double(slowPeriod)),
                "median_sharpe": .number(medianSharpe), "tickers_with_sharpe": .number(Double(tickersWithSharpe)),
                "share_beating_buy_and_hold": .number(shareBeatingBuyAndHold), "worst_drawdown_pct": .number(worstDrawdownPct),
            ]
        }
    }

    /// Best first: median Sharpe descending (NaN last), then fast, then slow.
    public var rows: [Row]
    /// Tickers added.
    public var tickers: Int

    /// Accumulates tickers one at a time, holding one Sharpe ratio per ticker and cell.
    public struct Builder: Sendable {
        private var cells: [Cell: Int] = [:]
        private var order: [Cell] = []
        private var sharpes: [[Double]] = []
        private var beats: [Int] = []
        private var worstDrawdown: [Double] = []
        private var tickers = 0

        private struct Cell: Hashable {
            var fast: Int
            var slow: Int
        }

        public init() {}

        /// The metrics a ranking reads from each ticker's rows, in the order `add` takes them.
        public static let metrics: [SweepSortKey] = [.sharpeRatio, .totalReturnPct, .maxDrawdownPct]

        /// One ticker's rows (`Builder.metrics` of each cell) and its buy-and-hold return. A cell the
        /// earlier tickers lacked joins with their share unbeaten.
        public mutating func add(_ rows: [GridRow], buyAndHoldReturnPct: Double) {
            tickers += 1
            for row in rows {
                let cell = index(row.fastPeriod, row.slowPeriod)
                let (sharpe, totalReturn, drawdown) = (row.values[0], row.values[1], row.values[2])
                if sharpe.isFinite { sharpes[cell].append(sharpe) }
                if totalReturn > buyAndHoldReturnPct { beats[cell] += 1 }
                if drawdown.isFinite { worstDrawdown[cell] = worstDrawdown[cell].isNaN ? drawdown : max(worstDrawdown[cell], drawdown) }
            }
        }

        private mutating func index(_ fast: Int, _ slow: Int) -> Int {
            let cell = Cell(fast: fast, slow: slow)
            if let index = cells[cell] { return index }
            cells[cell] = order.count
            order.append(cell)
            sharpes.append([])
            beats.append(0)
            worstDrawdown.append(.nan)
            return order.count - 1
        }

        public func build() -> UniverseAggregate {
            let rows = order.indices.map { index in
                Row(
                    fastPeriod: order[index].fast, slowPeriod: order[index].slow, medianSharpe: Self.median(sharpes[index]),
                    tickersWithSharpe: sharpes[index].count,
                    shareBeatingBuyAndHold: tickers == 0 ? .nan : Double(beats[index]) / Double(tickers), worstDrawdownPct: worstDrawdown[index])
            }
            return UniverseAggregate(rows: rows.sorted { UniverseAggregate.precedes($0, $1, by: .medianSharpe, descending: true) }, tickers: tickers)
        }

        static func median(_ values: [Double]) -> Double {
            guard !values.isEmpty else { return .nan }
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }

    /// Whether `a` comes before `b` sorted by `key`: values that are not numbers last in either
    /// order, ties by fast, then slow period. The ranking is `.medianSharpe`, descending.
    public static func precedes(_ a: Row, _ b: Row, by key: SortKey, descending: Bool) -> Bool {
        let (x, y) = (a.value(key), b.value(key))
        if x.isNaN != y.isNaN { return y.isNaN }
        if !x.isNaN, x != y { return descending ? x > y : x < y }
        return (a.fastPeriod, a.slowPeriod) < (b.fastPeriod, b.slowPeriod)
    }

    /// Columns a page of the aggregate can be sorted by (the API's `sort_by`).
    public enum SortKey: String, Sendable, CaseIterable {
        case medianSharpe = "median_sharpe"
        case shareBeatingBuyAndHold = "share_beating_buy_and_hold"
        case worstDrawdownPct = "worst_drawdown_pct"
        case fastPeriod = "fast_period"
        case slowPeriod = "slow_period"

        /// Best first: descending, except drawdown (lowest is best) and the periods (in order).
        public var sortsDescendingByDefault: Bool { self == .medianSharpe || self == .shareBeatingBuyAndHold }
    }
}

extension UniverseAggregate {
    /// `results/{jobId}/aggregate.json`
    public static func artifactKey(jobID: JobID) -> String { "results/\(jobID.rawValue)/aggregate.json" }
}
