import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Count, sum and sum of squares of one combination's per-bar returns over some bars: enough to
/// give the Sharpe ratio of any union of blocks without the returns themselves.
public struct ReturnMoments: Sendable, Equatable {
    public var count = 0
    public var sum = 0.0
    public var sumOfSquares = 0.0

    public init(count: Int = 0, sum: Double = 0, sumOfSquares: Double = 0) {
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    mutating func add(_ value: Double) {
        count += 1
        sum += value
        sumOfSquares += value * value
    }

    static func + (lhs: ReturnMoments, rhs: ReturnMoments) -> ReturnMoments {
        ReturnMoments(count: lhs.count + rhs.count, sum: lhs.sum + rhs.sum, sumOfSquares: lhs.sumOfSquares + rhs.sumOfSquares)
    }

    static func - (lhs: ReturnMoments, rhs: ReturnMoments) -> ReturnMoments {
        ReturnMoments(count: lhs.count - rhs.count, sum: lhs.sum - rhs.sum, sumOfSquares: lhs.sumOfSquares - rhs.sumOfSquares)
    }

    /// Per-bar Sharpe ratio, `mean / std` with `ddof 1`: 0 for returns that are all 0 (a
    /// combination that never traded there), ±∞ for a constant non-zero return.
    public var sharpe: Double {
        guard count > 1 else { return 0 }
        let mean = sum / Double(count)
        let variance = max(0, (sumOfSquares - Double(count) * mean * mean) / Double(count - 1))
        guard variance > 0 else { return mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity) }
        return mean / variance.squareRoot()
    }
}

/// The Probability of Backtest Overfitting by combinatorially symmetric cross-validation (Bailey,
/// Borwein, López de Prado and Zhu, 2015), with the conventions of the pypbo package:
/// - the bars are cut into `S` contiguous blocks of `⌊T/S⌋` bars, the leading `T mod S` dropped;
/// - each of the `C(S, S/2)` choices of half the blocks is in-sample once, the other half out of sample;
/// - the in-sample best (highest Sharpe; the first in grid order on a tie) is ranked among every
///   combination's out-of-sample Sharpe (1 = lowest, ties sharing their average rank):
///   `w = rank / (N + 1)`, `λ = ln(w / (1 − w))`;
/// - PBO is the share of splits with `λ ≤ 0`: the in-sample best at or below the median out of sample.
public struct BacktestOverfitting: Sendable, Equatable {
    /// The share of splits whose in-sample best was no better than the median out of sample.
    public var probability: Double
    /// The share of splits whose in-sample best lost money out of sample (Sharpe < 0).
    public var probabilityOfLoss: Double
    /// The median `λ` over the splits (positive: the in-sample best tends to stay above the median).
    public var medianLogit: Double
    /// `C(S, S/2)`.
    public var splits: Int
    /// `S`.
    public var blocks: Int
    /// Bars per block.
    public var barsPerBlock: Int
    /// The leading bars left out so that the blocks are equal.
    public var droppedBars: Int

    /// Blocks used when none is asked for (the paper's suggestion).
    public static let defaultBlocks = 16

    /// Which block each bar falls in (nil for the dropped leading bars).
    public struct Partition: Sendable, Equatable {
        public let blocks: Int
        public let bars: Int
        public var droppedBars: Int { bars % blocks }
        public var barsPerBlock: Int { bars / blocks }

        /// nil unless `blocks` is even, at least 2, and every block holds at least 2 bars.
        public init?(bars: Int, blocks: Int) {
            guard blocks >= 2, blocks % 2 == 0, blocks <= 24, bars / blocks >= 2 else { return nil }
            self.bars = bars
            self.blocks = blocks
        }

        @inline(__always)
        public func block(ofBar bar: Int) -> Int? {
            bar < droppedBars ? nil : (bar - droppedBars) / barsPerBlock
        }

        /// The moments of `returns` per block.
        public func moments(of returns: UnsafeBufferPointer<Double>) -> [ReturnMoments] {
            var moments = [ReturnMoments](repeating: ReturnMoments(), count: blocks)
            for bar in droppedBars..<returns.count {
                moments[(bar - droppedBars) / barsPerBlock].add(returns[bar])
            }
            return moments
        }
    }

    /// PBO of `N` combinations from their per-block moments: `moments[c * S + b]` is combination
    /// `c`'s over block `b`. nil with fewer than 2 combinations. The splits are shared out over
    /// the cores by their first in-sample block. `shouldContinue` is asked every 128 splits on
    /// each thread; false ends the estimate.
    /// - Throws: `SweepCancelled` when `shouldContinue` said stop.
    public static func estimate(
        moments: [ReturnMoments], partition: Partition, shouldContinue: @Sendable () -> Bool = { true }
    ) throws(SweepCancelled) -> BacktestOverfitting? {
        let blocks = partition.blocks
        let combinations = moments.count / blocks
        guard combinations >= 2, moments.count == combinations * blocks else { return nil }
        let totals = (0..<combinations).map { combination in
            (0..<blocks).reduce(ReturnMoments()) { $0 + moments[combination * blocks + $1] }
        }
        // The first in-sample block of a split is one of 0...S/2.
        let branches = blocks / 2 + 1
        var found = [(logits: [Double], losses: Int)](repeating: ([], 0), count: branches)
        let nextBranch = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)
        withoutActuallyEscaping(shouldContinue) { shouldContinue in
            found.withUnsafeMutableBufferPointer { found in
                nonisolated(unsafe) let found = found
                DispatchQueue.concurrentPerform(iterations: min(System.coreCount, branches)) { _ in
                    let search = SplitSearch(moments: moments, totals: totals, blocks: blocks, shouldContinue: shouldContinue)
                    while !stopped.load(ordering: .relaxed) {
                        let branch = nextBranch.add(1, ordering: .relaxed).oldValue
                        if branch >= branches { break }
                        found[branch] = search.splits(firstBlock: branch)
                        if search.stopped { stopped.store(true, ordering: .relaxed) }
                    }
                }
            }
        }
        if stopped.load(ordering: .relaxed) { throw SweepCancelled() }
        let logits = found.flatMap(\.logits)
        let losses = found.map(\.losses).reduce(0, +)
        let sorted = logits.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return BacktestOverfitting(
            probability: Double(logits.count(where: { $0 <= 0 })) / Double(logits.count),
            probabilityOfLoss: Double(losses) / Double(logits.count), medianLogit: median, splits: logits.count, blocks: blocks,
            barsPerBlock: partition.barsPerBlock, droppedBars: partition.droppedBars)
    }
}

/// The splits that start with one in-sample block, depth first: each level adds one more block's
/// sums to every combination's running totals, so a split costs O(N) rather than O(N·S/2). Its
/// buffers are allocated once per thread and reused from one branch to the next.
///
/// Every combination has the same bars in a split, so a split's Sharpe ratios are compared by a
/// key that orders them alike without a square root: with `n` bars, sums `s₁` of returns and
/// `s₂` of their squares, `sharpe = (s₁/n) / √((s₂ − s₁²/n)/(n − 1))` and
/// `key = s₁·|s₁| / (n·s₂ − s₁²) = sharpe·|sharpe| · (n − 1)/n`: the same order, the same ties.
private final class SplitSearch {
    let blocks: Int
    let combinations: Int
    let blockBars: Int
    /// `[block * N + combination]`: a block's sum of returns, and of squared returns.
    let blockSums: UnsafeMutableBufferPointer<Double>
    let blockSquares: UnsafeMutableBufferPointer<Double>
    let totalSums: UnsafeMutableBufferPointer<Double>
    let totalSquares: UnsafeMutableBufferPointer<Double>
    /// `[depth * N + combination]`: the running in-sample sums.
    let sums: UnsafeMutableBufferPointer<Double>
    let squares: UnsafeMutableBufferPointer<Double>
    let outOfSample: UnsafeMutableBufferPointer<Double>
    var logits: [Double] = []
    var losses = 0
    /// Asked every 128 splits; once it says stop, `stopped` is set and the search unwinds.
    let shouldContinue: () -> Bool
    private(set) var stopped = false

    init(moments: [ReturnMoments], totals: [ReturnMoments], blocks: Int, shouldContinue: @escaping () -> Bool) {
        self.shouldContinue = shouldContinue
        let n = totals.count
        self.blocks = blocks
        combinations = n
        blockBars = moments[0].count
        blockSums = .allocate(capacity: blocks * n)
        blockSquares = .allocate(capacity: blocks * n)
        for block in 0..<blocks {
            for combination in 0..<n {
                blockSums[block * n + combination] = moments[combination * blocks + block].sum
                blockSquares[block * n + combination] = moments[combination * blocks + block].sumOfSquares
            }
        }
        totalSums = .allocate(capacity: n)
        totalSquares = .allocate(capacity: n)
        for combination in 0..<n {
            totalSums[combination] = totals[combination].sum
            totalSquares[combination] = totals[combination].sumOfSquares
        }
        sums = .allocate(capacity: (blocks / 2 + 1) * n)
        squares = .allocate(capacity: (blocks / 2 + 1) * n)
        sums.initialize(repeating: 0)
        squares.initialize(repeating: 0)
        outOfSample = .allocate(capacity: n)
    }

    deinit {
        for buffer in [blockSums, blockSquares, totalSums, totalSquares, sums, squares, outOfSample] { buffer.deallocate() }
    }

    func splits(firstBlock: Int) -> (logits: [Double], losses: Int) {
        logits = []
        losses = 0
        add(block: firstBlock, depth: 1)
        choose(from: firstBlock + 1, depth: 1)
        return (logits, losses)
    }

    private func add(block: Int, depth: Int) {
        let n = combinations
        for combination in 0..<n {
            sums[depth * n + combination] = sums[(depth - 1) * n + combination] + blockSums[block * n + combination]
            squares[depth * n + combination] = squares[(depth - 1) * n + combination] + blockSquares[block * n + combination]
        }
    }

    private func choose(from first: Int, depth: Int) {
        guard depth < blocks / 2 else { return rank(depth: depth) }
        let remaining = blocks / 2 - depth
        guard first <= blocks - remaining else { return }
        for block in first...(blocks - remaining) where !stopped {
            add(block: block, depth: depth + 1)
            choose(from: block + 1, depth: depth + 1)
        }
    }

    /// `sharpe·|sharpe|`, scaled: the order of Sharpe ratios over `bars` bars (0 when every
    /// return is 0; ±∞ for a constant non-zero one).
    @inline(__always)
    static func key(sum: Double, squares: Double, bars: Double) -> Double {
        let spread = bars * squares - sum * sum
        guard spread > 0 else { return sum == 0 ? 0 : (sum > 0 ? .infinity : -.infinity) }
        return sum * abs(sum) / spread
    }

    /// The in-sample best's out-of-sample rank in the split whose blocks are summed at `depth`.
    private func rank(depth: Int) {
        let bars = Double(blockBars * blocks / 2)
        let row = depth * combinations
        var best = 0
        var bestKey = -Double.infinity
        for combination in 0..<combinations {
            let sum = sums[row + combination]
            let square = squares[row + combination]
            let key = Self.key(sum: sum, squares: square, bars: bars)
            if key > bestKey || combination == 0 {
                best = combination
                bestKey = key
            }
            outOfSample[combination] = Self.key(sum: totalSums[combination] - sum, squares: totalSquares[combination] - square, bars: bars)
        }
        let target = outOfSample[best]
        var below = 0
        var equal = 0
        for combination in 0..<combinations {
            let value = outOfSample[combination]
            if value < target { below += 1 } else if value == target { equal += 1 }
        }
        let w = (Double(below) + Double(equal + 1) / 2) / Double(combinations + 1)
        logits.append(log(w / (1 - w)))
        if target < 0 { losses += 1 }
        if logits.count % 128 == 0, !shouldContinue() { stopped = true }
    }
}
