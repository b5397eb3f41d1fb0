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
    /// the cores by their first in-sample block.
    public static func estimate(moments: [ReturnMoments], partition: Partition) -> BacktestOverfitting? {
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
        found.withUnsafeMutableBufferPointer { found in
            nonisolated(unsafe) let found = found
            DispatchQueue.concurrentPerform(iterations: min(System.coreCount, branches)) { _ in
                var search = SplitSearch(moments: moments, totals: totals, blocks: blocks)
                while true {
                    let branch = nextBranch.add(1, ordering: .relaxed).oldValue
                    if branch >= branches { break }
                    found[branch] = search.splits(firstBlock: branch)
                }
            }
        }
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
/// moments to every combination's running total, so a split costs O(N) rather than O(N·S/2).
/// Its buffers are reused from one branch to the next.
private struct SplitSearch {
    let moments: [ReturnMoments]
    let totals: [ReturnMoments]
    let blocks: Int
    var partial: [[ReturnMoments]]
    var inSample: [Double]
    var outOfSample: [Double]
    var logits: [Double] = []
    var losses = 0

    init(moments: [ReturnMoments], totals: [ReturnMoments], blocks: Int) {
        self.moments = moments
        self.totals = totals
        self.blocks = blocks
        partial = [[ReturnMoments]](repeating: [ReturnMoments](repeating: ReturnMoments(), count: totals.count), count: blocks / 2 + 1)
        inSample = [Double](repeating: 0, count: totals.count)
        outOfSample = [Double](repeating: 0, count: totals.count)
    }

    mutating func splits(firstBlock: Int) -> (logits: [Double], losses: Int) {
        logits = []
        losses = 0
        add(block: firstBlock, depth: 1)
        choose(from: firstBlock + 1, depth: 1)
        return (logits, losses)
    }

    private mutating func add(block: Int, depth: Int) {
        for combination in 0..<totals.count {
            partial[depth][combination] = partial[depth - 1][combination] + moments[combination * blocks + block]
        }
    }

    private mutating func choose(from first: Int, depth: Int) {
        guard depth < blocks / 2 else { return rank(depth: depth) }
        let remaining = blocks / 2 - depth
        guard first <= blocks - remaining else { return }
        for block in first...(blocks - remaining) {
            add(block: block, depth: depth + 1)
            choose(from: block + 1, depth: depth + 1)
        }
    }

    /// The in-sample best's out-of-sample rank in the split whose blocks are summed at `depth`.
    private mutating func rank(depth: Int) {
        let combinations = totals.count
        for combination in 0..<combinations {
            inSample[combination] = partial[depth][combination].sharpe
            outOfSample[combination] = (totals[combination] - partial[depth][combination]).sharpe
        }
        var best = 0
        for combination in 1..<combinations where inSample[combination] > inSample[best] { best = combination }
        let target = outOfSample[best]
        var below = 0
        var equal = 0
        for value in outOfSample {
            if value < target { below += 1 } else if value == target { equal += 1 }
        }
        let w = (Double(below) + Double(equal + 1) / 2) / Double(combinations + 1)
        logits.append(log(w / (1 - w)))
        if target < 0 { losses += 1 }
    }
}