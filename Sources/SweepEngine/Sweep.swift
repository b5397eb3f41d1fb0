import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What to sweep: a strategy over a grid, with costs and the ranking threshold.
public struct SweepRequest: Sendable, Equatable {
    public var strategy: Strategy
    public var grid: SweepGrid
    public var costs: ExecutionCosts
    /// Combinations with fewer trades are reported but not ranked.
    public var minTrades: Int
    /// Worker threads; results are identical for any value.
    public var threads: Int
    /// Periods per year that Sharpe, Sortino, the annualized return and trades per month are
    /// computed with (`PriceSeries.annualization` reads it off the dates). Default 252: every bar a
    /// trading day, as the sweep reference has it.
    public var barsPerYear = 252.0
    /// Blocks of the Probability of Backtest Overfitting (`BacktestOverfitting`, even, 2–24);
    /// nil for none. It costs one more pass over each combination's returns and 24 bytes per block
    /// per combination.
    public var overfittingBlocks: Int?
    /// Bytes the shared indicator lines may take before the engine computes them as it reads
    /// (SMA from running sums, EMA per pair). Results are identical either way. Default 256 MiB.
    public var memoryBudget: Int = 256 << 20

    public init(
        strategy: Strategy, grid: SweepGrid, costs: ExecutionCosts = .none, minTrades: Int = 0, threads: Int = 0, barsPerYear: Double = 252
    ) {
        precondition(barsPerYear > 0 && barsPerYear.isFinite, "bars per year must be a positive number")
        self.barsPerYear = barsPerYear
        self.strategy = strategy
        self.grid = grid
        self.costs = costs
        self.minTrades = minTrades
        self.threads = threads
    }
}

/// A finished sweep: one row per combination in grid order, the ranking, and sweep-level figures.
public struct SweepOutcome: Sendable {
    public var results: [CombinationMetrics]
    /// Indices into `results` of the ranked combinations, best score first
    /// (ties broken by fast, then slow, ascending).
    public var ranking: [Int]
    /// Buying at the first close and holding to the last, in percent.
    public var buyAndHoldReturnPct: Double
    /// Share (0–1) of all combinations whose total return beats buy-and-hold.
    public var shareBeatingBuyAndHold: Double
    /// Deflated Sharpe Ratio of the best ranked combination, correcting its Sharpe for the number
    /// of combinations tried (see `DeflatedSharpe`); NaN when nothing is ranked.
    public var deflatedSharpeRatio: Double
    /// The best ranked combination's portfolio value at every bar (starting at 100); empty when
    /// nothing is ranked.
    public var bestEquityCurve: [Double]
    /// The Probability of Backtest Overfitting of the grid, when the request asked for it and the
    /// series is long enough for its blocks (two bars each) and the grid has two combinations.
    public var overfitting: BacktestOverfitting? = nil

    public var totalCombinations: Int { results.count }
    public var rankedCombinations: Int { ranking.count }
    public var best: CombinationMetrics? { ranking.first.map { results[$0] } }
    public var rankedResults: [CombinationMetrics] { ranking.map { results[$0] } }
}

/// The sweep was stopped by its progress callback.
public struct SweepCancelled: Error, Equatable {}

/// Runs a grid sweep: each window's indicator is computed once, every pair is simulated in one
/// pass with per-thread scratch buffers, and pairs are spread over `threads` threads in chunks.
public enum Sweep {
    /// Pairs a thread takes at a time; progress is reported per chunk.
    static let chunkSize = 64

    /// - Parameter progress: called after each chunk with (done, total); return false to cancel.
    /// - Throws: `SweepCancelled` when `progress` returned false.
    public static func run(
        _ series: PriceSeries, _ request: SweepRequest,
        progress: @Sendable (_ done: Int, _ total: Int) -> Bool = { _, _ in true }
    ) throws(SweepCancelled) -> SweepOutcome {
        let pairs = request.grid.combinations
        let lines = SignalLines(
            series: series, strategy: request.strategy, windows: Set(pairs.flatMap { [$0.fast, $0.slow] }), memoryBudget: request.memoryBudget)
        let total = pairs.count
        let chunks = (total + chunkSize - 1) / chunkSize
        let threads = max(1, min(request.threads > 0 ? request.threads : System.coreCount, chunks))
        let nextChunk = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let cancelled = Atomic<Bool>(false)
        var results = [CombinationMetrics?](repeating: nil, count: total)
        let partition = request.overfittingBlocks.flatMap { BacktestOverfitting.Partition(bars: series.count, blocks: $0) }
        var moments = [ReturnMoments](repeating: ReturnMoments(), count: partition.map { $0.blocks * total } ?? 0)
        results.withUnsafeMutableBufferPointer { output in
            moments.withUnsafeMutableBufferPointer { momentsOutput in
                nonisolated(unsafe) let output = output
                nonisolated(unsafe) let momentsOutput = momentsOutput
                DispatchQueue.concurrentPerform(iterations: threads) { _ in
                    var scratch = lines.makeScratch()
                    defer { scratch.deallocate() }
                    while !cancelled.load(ordering: .relaxed) {
                        let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                        if chunk >= chunks { break }
                        let range = (chunk * chunkSize)..<min(total, (chunk + 1) * chunkSize)
                        for index in range {
                            output[index] = lines.simulate(pairs[index], request: request, scratch: &scratch)
                            if let partition {
                                let blockMoments = partition.moments(of: UnsafeBufferPointer(scratch.returns))
                                for block in 0..<partition.blocks { momentsOutput[index * partition.blocks + block] = blockMoments[block] }
                            }
                        }
                        let finished = done.add(range.count, ordering: .relaxed).newValue
                        if !progress(finished, total) { cancelled.store(true, ordering: .relaxed) }
                    }
                }
            }
        }
        if cancelled.load(ordering: .relaxed) { throw SweepCancelled() }
        // The estimate asks whether to go on as the simulations did, with every combination done.
        let overfitting = try partition.flatMap { partition throws(SweepCancelled) in
            try BacktestOverfitting.estimate(moments: moments, partition: partition, shouldContinue: { progress(total, total) })
        }
        let rows = results.map { $0! }
        let ranking = rank(rows)
        let buyAndHold = (series.closes[series.count - 1] / series.closes[0] - 1) * 100
        let best = ranking.first.map { rows[$0] }
        let curve = best.map { equityCurve(series, strategy: request.strategy, fast: $0.fastPeriod, slow: $0.slowPeriod, costs: request.costs) } ?? []
        return SweepOutcome(
            results: rows, ranking: ranking, buyAndHoldReturnPct: buyAndHold,
            shareBeatingBuyAndHold: rows.isEmpty ? .nan : Double(rows.count(where: { $0.totalReturnPct > buyAndHold })) / Double(rows.count),
            deflatedSharpeRatio: best.map { deflatedSharpe(of: $0, curve: curve, among: rows, barsPerYear: request.barsPerYear) } ?? .nan,
            bestEquityCurve: curve, overfitting: overfitting)
    }

    /// The DSR of `best` (whose value path is `curve`), with every combination as a trial, on
    /// per-bar Sharpe ratios (the annualized ones divided by √`barsPerYear`).
    static func deflatedSharpe(of best: CombinationMetrics, curve: [Double], among rows: [CombinationMetrics], barsPerYear: Double) -> Double {
        let perBar = barsPerYear.squareRoot()
        var previous = Backtester.initialCash
        let returns = curve.map { value in
            defer { previous = value }
            return value / previous - 1
        }
        return DeflatedSharpe.ratio(sharpe: best.sharpeRatio / perBar, trialSharpes: rows.map { $0.sharpeRatio / perBar }, returns: returns)
    }

    /// Ranked rows (isRanked) by score descending, then fast, then slow.
    static func rank(_ rows: [CombinationMetrics]) -> [Int] {
        rows.indices.filter { rows[$0].isRanked }.sorted { lhs, rhs in
            let a = rows[lhs]
            let b = rows[rhs]
            if a.score != b.score { return a.score > b.score }
            return (a.fastPeriod, a.slowPeriod) < (b.fastPeriod, b.slowPeriod)
        }
    }

    /// One combination simulated again on its own: the portfolio value at every bar (starting cash
    /// 100) and its trades. With `tradingFrom`, the bars before it only warm the indicators up
    /// (the value stays 100).
    public static func replay(
        _ series: PriceSeries, strategy: Strategy, fast: Int, slow: Int, costs: ExecutionCosts = .none, tradingFrom: Int = 0
    ) -> (values: [Double], trades: [Trade]) {
        let lines = SignalLines(series: series, strategy: strategy, windows: [fast, slow])
        var scratch = lines.makeScratch()
        defer { scratch.deallocate() }
        let request = SweepRequest(strategy: strategy, grid: SweepGrid(fastRange: fast...fast, slowRange: slow...slow), costs: costs)
        let log = TradeLog()
        _ = lines.simulate((fast, slow), request: request, scratch: &scratch, tradingFrom: tradingFrom, log: log)
        return (Array(scratch.values), log.trades)
    }

    /// The portfolio value at every bar of one combination (see `replay`).
    public static func equityCurve(
        _ series: PriceSeries, strategy: Strategy, fast: Int, slow: Int, costs: ExecutionCosts = .none, tradingFrom: Int = 0
    ) -> [Double] {
        replay(series, strategy: strategy, fast: fast, slow: slow, costs: costs, tradingFrom: tradingFrom).values
    }

    /// Buy at the first close and hold: value at every bar, starting at 100.
    public static func buyAndHoldCurve(_ series: PriceSeries) -> [Double] {
        let first = series.closes[0]
        return series.closes.map { Backtester.initialCash * $0 / first }
    }
}

enum System {
    static var coreCount: Int {
        #if canImport(Glibc)
            return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
            return 4
        #endif
    }
}
