#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a walk-forward validation cuts a series: fold k tests on `testBars` bars and trains on
/// the `trainBars` bars before them (or, anchored, on every bar since the start); the test
/// windows follow each other, `testBars` apart, until the data ends (the last may be shorter).
public struct WalkForwardPlan: Sendable, Equatable {
    public var trainBars: Int
    public var testBars: Int
    public var anchored: Bool

    public init(trainBars: Int, testBars: Int, anchored: Bool = false) {
        self.trainBars = trainBars
        self.testBars = testBars
        self.anchored = anchored
    }

    /// The folds over `bars` bars: training and test ranges of bar indices.
    public func folds(bars: Int) -> [(train: Range<Int>, test: Range<Int>)] {
        guard trainBars > 0, testBars > 0 else { return [] }
        return stride(from: trainBars, to: bars, by: testBars).map { start in
            ((anchored ? 0 : start - trainBars)..<start, start..<min(bars, start + testBars))
        }
    }
}

/// How one combination did over a window of bars it traded in, starting flat with 100.
public struct WindowPerformance: Sendable, Equatable {
    public var totalReturnPct: Double
    public var annualizedReturn: Double
    /// `mean(r) / std(r, ddof 1) × √P` over the window's bars; `+inf` if `std = 0` and `mean > 0`, 0 if flat.
    public var sharpeRatio: Double
    public var maxDrawdownPct: Double

    /// From the portfolio values over the window (the value before its first bar being 100).
    init(values: ArraySlice<Double>, barsPerYear: Double) {
        var previous = Backtester.initialCash
        var returns: [Double] = []
        var peak = Backtester.initialCash
        var worst = 0.0
        for value in values {
            returns.append(value / previous - 1)
            previous = value
            peak = max(peak, value)
            worst = min(worst, value / peak - 1)
        }
        let count = Double(returns.count)
        let mean = returns.reduce(0, +) / count
        let variance = returns.count > 1 ? returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (count - 1) : 0
        let ratio = previous / Backtester.initialCash
        totalReturnPct = (ratio - 1) * 100
        annualizedReturn = pow(ratio, barsPerYear / count) - 1
        sharpeRatio = variance > 0 ? mean / variance.squareRoot() * barsPerYear.squareRoot() : (mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity))
        maxDrawdownPct = -100 * worst
    }
}

/// One fold: what its training sweep chose, and how that did on its test window.
public struct WalkForwardFold: Sendable, Equatable {
    public var train: Range<Int>
    public var test: Range<Int>
    /// The training sweep's best ranked combination, its in-sample row; nil when none was ranked
    /// (the fold then stays flat).
    public var chosen: CombinationMetrics?
    public var outOfSample: WindowPerformance
    /// The portfolio value at every test bar, from 100 in cash before the first.
    public var equity: [Double]
}

/// A walk-forward validation: per fold the training sweep's choice and its test; the test windows'
/// equity stitched into one out-of-sample curve against buy-and-hold over the same bars.
public struct WalkForwardOutcome: Sendable, Equatable {
    public var folds: [WalkForwardFold]
    /// The bars the out-of-sample curve covers (the first test bar to the last).
    public var outOfSample: Range<Int>
    /// Portfolio value at every out-of-sample bar, each fold continuing from the last fold's end (starting at 100).
    public var outOfSampleCurve: [Double]
    /// Buying at the close before the first test bar and holding, over the same bars.
    public var buyAndHoldCurve: [Double]
    /// The stitched curve's performance.
    public var stitched: WindowPerformance
    /// Walk-forward efficiency: the stitched curve's annualized return over the mean in-sample
    /// annualized return of the folds' choices; NaN when no fold chose or that mean is 0.
    public var efficiency: Double
    /// The most frequent choice, and the share of folds that made it.
    public var mostChosen: (fast: Int, slow: Int)?
    public var mostChosenShare: Double
    /// Distinct (fast, slow) choices across the folds.
    public var distinctChoices: Int

    public static func == (lhs: WalkForwardOutcome, rhs: WalkForwardOutcome) -> Bool {
        lhs.folds == rhs.folds && lhs.outOfSampleCurve == rhs.outOfSampleCurve && lhs.buyAndHoldCurve == rhs.buyAndHoldCurve
    }
}

public enum WalkForward {
    /// Runs `plan` over `series`: each fold sweeps `request`'s grid on its training bars alone,
    /// exactly as a sweep of a file holding only those rows; the best ranked combination is then
    /// run over the training and test bars, trading only in the test window (the training bars warm
    /// its indicators up), from 100 in cash.
    /// - Parameter progress: called after each fold with (done, total); return false to stop.
    /// - Throws: `SweepCancelled` when `progress` returned false.
    public static func run(
        _ series: PriceSeries, _ request: SweepRequest, plan: WalkForwardPlan,
        progress: @Sendable (_ done: Int, _ total: Int) -> Bool = { _, _ in true }
    ) throws(SweepCancelled) -> WalkForwardOutcome {
        let cuts = plan.folds(bars: series.count)
        var folds: [WalkForwardFold] = []
        var training = request
        training.overfittingBlocks = nil
        for (index, cut) in cuts.enumerated() {
            let trainingSeries = series.slice(cut.train)
            let chosen = try Sweep.run(trainingSeries, training).best
            let window = series.slice(cut.train.lowerBound..<cut.test.upperBound)
            let values: [Double] =
                if let chosen {
                    Sweep.equityCurve(
                        window, strategy: request.strategy, fast: chosen.fastPeriod, slow: chosen.slowPeriod, costs: request.costs,
                        tradingFrom: cut.train.count)
                } else {
                    [Double](repeating: Backtester.initialCash, count: window.count)
                }
            let tested = Array(values[cut.train.count...])
            folds.append(
                WalkForwardFold(
                    train: cut.train, test: cut.test, chosen: chosen,
                    outOfSample: WindowPerformance(values: tested[...], barsPerYear: request.barsPerYear), equity: tested))
            if !progress(index + 1, cuts.count) { throw SweepCancelled() }
        }
        return summary(of: folds, series: series, barsPerYear: request.barsPerYear)
    }

    static func summary(of folds: [WalkForwardFold], series: PriceSeries, barsPerYear: Double) -> WalkForwardOutcome {
        guard let first = folds.first, let last = folds.last else {
            return WalkForwardOutcome(
                folds: [], outOfSample: 0..<0, outOfSampleCurve: [], buyAndHoldCurve: [],
                stitched: WindowPerformance(values: [Backtester.initialCash], barsPerYear: barsPerYear), efficiency: .nan, mostChosen: nil,
                mostChosenShare: 0, distinctChoices: 0)
        }
        var curve: [Double] = []
        var level = Backtester.initialCash
        for fold in folds {
            curve += fold.equity.map { level * $0 / Backtester.initialCash }
            level = curve.last ?? level
        }
        let base = series.closes[first.test.lowerBound - 1]
        let buyAndHold = series.closes[first.test.lowerBound..<last.test.upperBound].map { Backtester.initialCash * $0 / base }
        let stitched = WindowPerformance(values: curve[...], barsPerYear: barsPerYear)
        let chosen = folds.compactMap(\.chosen)
        let inSample = chosen.map(\.annualizedReturn).reduce(0, +) / Double(chosen.count)
        var counts: [String: (pair: (Int, Int), count: Int)] = [:]
        for row in chosen { counts["\(row.fastPeriod)/\(row.slowPeriod)", default: ((row.fastPeriod, row.slowPeriod), 0)].count += 1 }
        let top = counts.values.max { $0.count < $1.count || ($0.count == $1.count && $0.pair > $1.pair) }
        return WalkForwardOutcome(
            folds: folds, outOfSample: first.test.lowerBound..<last.test.upperBound, outOfSampleCurve: curve, buyAndHoldCurve: buyAndHold,
            stitched: stitched, efficiency: chosen.isEmpty || inSample == 0 ? .nan : stitched.annualizedReturn / inSample,
            mostChosen: top.map { (fast: $0.pair.0, slow: $0.pair.1) }, mostChosenShare: top.map { Double($0.count) / Double(folds.count) } ?? 0,
            distinctChoices: counts.count)
    }
}

extension PriceSeries {
    /// The bars in `range`, as a series of its own (as if the file held only those rows).
    public func slice(_ range: Range<Int>) -> PriceSeries {
        var copy = self
        copy.dates = Array(dates[range])
        copy.closes = Array(closes[range])
        return copy
    }
}
