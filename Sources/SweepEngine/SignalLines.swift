/// The indicator lines a sweep compares, computed once per window and shared by all threads.
struct SignalLines: Sendable {
    let closes: [Double]
    let strategy: Strategy
    /// window → moving average (SMA or EMA, per the strategy; EMAs for MACD).
    let averages: [Int: [Double]]

    init(series: PriceSeries, strategy: Strategy, windows: Set<Int>) {
        closes = series.closes
        self.strategy = strategy
        var averages: [Int: [Double]] = [:]
        for window in windows {
            averages[window] = strategy == .sma
                ? Indicators.sma(series.closes, window: window)
                : Indicators.ema(series.closes, window: window)
        }
        self.averages = averages
    }

    /// Per-thread buffers, allocated once per thread and reused for every pair.
    struct Scratch {
        var values: UnsafeMutableBufferPointer<Double>
        var macd: UnsafeMutableBufferPointer<Double>
        var signal: UnsafeMutableBufferPointer<Double>

        func deallocate() {
            values.deallocate()
            macd.deallocate()
            signal.deallocate()
        }
    }

    func makeScratch() -> Scratch {
        let macdCount = strategy == .macd ? closes.count : 0
        return Scratch(
            values: .allocate(capacity: closes.count),
            macd: .allocate(capacity: macdCount),
            signal: .allocate(capacity: macdCount))
    }

    func simulate(_ pair: (fast: Int, slow: Int), request: SweepRequest, scratch: inout Scratch) -> CombinationMetrics {
        let fastLine = averages[pair.fast]!
        let slowLine = averages[pair.slow]!
        return closes.withUnsafeBufferPointer { closes in
            let backtester = Backtester(closes: closes, costs: request.costs)
            let tally: TradeTally
            if strategy == .macd {
                fillMACD(fastLine, slowLine, scratch: scratch)
                tally = backtester.run(fast: UnsafeBufferPointer(scratch.macd), slow: UnsafeBufferPointer(scratch.signal), values: scratch.values)
            } else {
                tally = fastLine.withUnsafeBufferPointer { fast in
                    slowLine.withUnsafeBufferPointer { slow in
                        backtester.run(fast: fast, slow: slow, values: scratch.values)
                    }
                }
            }
            return MetricsCalculator.metrics(fast: pair.fast, slow: pair.slow, values: scratch.values, tally: tally, minTrades: request.minTrades)
        }
    }

    /// MACD = EMA(fast) − EMA(slow); signal = EMA(9) of MACD seeded at its first defined bar.
    private func fillMACD(_ fast: [Double], _ slow: [Double], scratch: Scratch) {
        let count = closes.count
        let window = Strategy.macdSignalWindow
        let alpha = 1.0 / (1.0 + (Double(window) - 1.0) / 2.0)
        let weight = 1.0 - alpha
        var average = Double.nan
        var defined = 0
        for bar in 0..<count {
            let macd = fast[bar] - slow[bar]
            scratch.macd[bar] = macd
            if macd.isNaN {
                scratch.signal[bar] = .nan
                continue
            }
            if defined == 0 {
                average = macd
            } else if average != macd {
                average = (weight * average + alpha * macd) / (weight + alpha)
            }
            defined += 1
            scratch.signal[bar] = defined >= window ? average : .nan
        }
    }
}
