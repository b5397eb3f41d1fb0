/// The indicator lines a sweep compares. Within the memory budget every window's moving average
/// is computed once and shared by all threads; beyond it (long intraday series) SMAs are read
/// from one shared prefix-sum array with the very same arithmetic, and EMAs are computed per pair
/// into per-thread buffers, so memory stays O(bars × threads) whatever the grid.
struct SignalLines: Sendable {
    let closes: [Double]
    let strategy: Strategy
    let storage: Storage

    enum Storage: Sendable {
        /// window → moving average (SMA or EMA per the strategy; EMAs for MACD).
        case stored([Int: [Double]])
        /// Running sums of the closes: SMA(n)[i] = (P[i] − P[i−n]) / n, computed when read.
        case prefixSums([Double])
        /// EMAs computed for each pair into the thread's scratch buffers.
        case perPair
    }

    /// Stored lines may use this many bytes before the engine switches to the lean layouts.
    static let defaultMemoryBudget = 256 << 20

    init(series: PriceSeries, strategy: Strategy, windows: Set<Int>, memoryBudget: Int = SignalLines.defaultMemoryBudget) {
        closes = series.closes
        self.strategy = strategy
        if windows.count * series.count * MemoryLayout<Double>.stride <= memoryBudget {
            var averages: [Int: [Double]] = [:]
            for window in windows {
                averages[window] =
                    strategy == .sma
                    ? Indicators.sma(series.closes, window: window) : Indicators.ema(series.closes, window: window)
            }
            storage = .stored(averages)
        } else if strategy == .sma {
            storage = .prefixSums(Indicators.prefixSums(series.closes))
        } else {
            storage = .perPair
        }
    }

    /// Per-thread buffers, allocated once per thread and reused for every pair.
    struct Scratch {
        /// Portfolio value per bar.
        var values: UnsafeMutableBufferPointer<Double>
        /// Per-bar returns of the last simulation (for the variance pass).
        var returns: UnsafeMutableBufferPointer<Double>
        /// The two lines compared, when they are not stored (MACD and signal; per-pair EMAs).
        var first: UnsafeMutableBufferPointer<Double>
        var second: UnsafeMutableBufferPointer<Double>

        init(bars: Int, lineBuffers: Bool) {
            values = .allocate(capacity: bars)
            returns = .allocate(capacity: bars)
            first = .allocate(capacity: lineBuffers ? bars : 0)
            second = .allocate(capacity: lineBuffers ? bars : 0)
        }

        func deallocate() {
            values.deallocate()
            returns.deallocate()
            first.deallocate()
            second.deallocate()
        }
    }

    func makeScratch() -> Scratch {
        let needsLines: Bool =
            switch storage {
            case .perPair: true
            case .stored, .prefixSums: strategy == .macd
            }
        return Scratch(bars: closes.count, lineBuffers: needsLines)
    }

    func simulate(
        _ pair: (fast: Int, slow: Int), request: SweepRequest, scratch: inout Scratch, tradingFrom: Int = 0, log: TradeLog? = nil
    ) -> CombinationMetrics {
        closes.withUnsafeBufferPointer { closes in
            let backtester = Backtester(closes: closes, costs: request.costs, tradingFrom: tradingFrom, log: log)
            let tally = run(pair, backtester: backtester, scratch: scratch)
            return MetricsCalculator.metrics(
                fast: pair.fast, slow: pair.slow, scratch: scratch, tally: tally, minTrades: request.minTrades, barsPerYear: request.barsPerYear)
        }
    }

    private func run(_ pair: (fast: Int, slow: Int), backtester: Backtester, scratch: Scratch) -> TradeTally {
        switch storage {
        case .prefixSums(let prefix):
            return prefix.withUnsafeBufferPointer { prefix in
                backtester.run(
                    fast: PrefixSMALine(prefix: prefix, window: pair.fast), slow: PrefixSMALine(prefix: prefix, window: pair.slow),
                    scratch: scratch)
            }
        case .stored(let averages):
            let fast = averages[pair.fast]!
            let slow = averages[pair.slow]!
            return fast.withUnsafeBufferPointer { fast in
                slow.withUnsafeBufferPointer { slow in
                    compare(fast, slow, backtester: backtester, scratch: scratch)
                }
            }
        case .perPair:
            Indicators.ema(closes, window: pair.fast, into: scratch.first)
            Indicators.ema(closes, window: pair.slow, into: scratch.second)
            return compare(UnsafeBufferPointer(scratch.first), UnsafeBufferPointer(scratch.second), backtester: backtester, scratch: scratch)
        }
    }

    /// Crossover of the two averages, or for MACD of MACD and its signal line (which replace
    /// the averages in the scratch buffers).
    private func compare(_ fast: UnsafeBufferPointer<Double>, _ slow: UnsafeBufferPointer<Double>, backtester: Backtester, scratch: Scratch)
        -> TradeTally
    {
        guard strategy == .macd else {
            return backtester.run(fast: StoredLine(values: fast), slow: StoredLine(values: slow), scratch: scratch)
        }
        Indicators.macd(fast: fast, slow: slow, macd: scratch.first, signal: scratch.second)
        return backtester.run(
            fast: StoredLine(values: UnsafeBufferPointer(scratch.first)), slow: StoredLine(values: UnsafeBufferPointer(scratch.second)),
            scratch: scratch)
    }
}

/// A line the backtester reads bar by bar; generic so that each layout is compiled into the loop.
protocol SignalLine {
    func value(at bar: Int) -> Double
}

struct StoredLine: SignalLine {
    let values: UnsafeBufferPointer<Double>
    @inline(__always) func value(at bar: Int) -> Double { values[bar] }
}

/// SMA read from running sums with the same expression `Indicators.sma` stores, bit for bit.
struct PrefixSMALine: SignalLine {
    let prefix: UnsafeBufferPointer<Double>
    let window: Int
    let divisor: Double

    init(prefix: UnsafeBufferPointer<Double>, window: Int) {
        self.prefix = prefix
        self.window = window
        divisor = Double(window)
    }

    @inline(__always) func value(at bar: Int) -> Double {
        if bar >= window { return (prefix[bar] - prefix[bar - window]) / divisor }
        return bar == window - 1 ? prefix[bar] / divisor : .nan
    }
}
