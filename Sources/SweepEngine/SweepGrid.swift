/// The (fast, slow) pairs a sweep tries: every `fast` in `fastRange` and `slow` in `slowRange`,
/// each stepping by `step` from its lower bound, keeping `fast < slow`.
/// Order: fast ascending, then slow ascending.
public struct SweepGrid: Sendable, Equatable, Codable {
    public var fastRange: ClosedRange<Int>
    public var slowRange: ClosedRange<Int>
    public var step: Int

    public init(fastRange: ClosedRange<Int>, slowRange: ClosedRange<Int>, step: Int = 1) {
        precondition(step >= 1, "step must be at least 1")
        precondition(fastRange.lowerBound >= 1 && slowRange.lowerBound >= 1, "windows start at 1")
        self.fastRange = fastRange
        self.slowRange = slowRange
        self.step = step
    }

    public var fastWindows: [Int] { Array(stride(from: fastRange.lowerBound, through: fastRange.upperBound, by: step)) }
    public var slowWindows: [Int] { Array(stride(from: slowRange.lowerBound, through: slowRange.upperBound, by: step)) }

    /// All pairs in output order.
    public var combinations: [(fast: Int, slow: Int)] {
        let slows = slowWindows
        return fastWindows.flatMap { fast in slows.filter { fast < $0 }.map { (fast: fast, slow: $0) } }
    }

    /// How many pairs the grid makes, without building them: for each fast window, the slow
    /// windows above it, counted by division (a job list and the sweep form count grids of up to
    /// 10,000 × 10,000 windows on every request).
    public var combinationCount: Int {
        let slowFirst = slowRange.lowerBound
        let slowCount = (slowRange.upperBound - slowFirst) / step + 1
        var total = 0
        for fast in stride(from: fastRange.lowerBound, through: fastRange.upperBound, by: step) {
            let slowsNotAbove = fast < slowFirst ? 0 : min(slowCount, (fast - slowFirst) / step + 1)
            total += slowCount - slowsNotAbove
        }
        return total
    }
}
