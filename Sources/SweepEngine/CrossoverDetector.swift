/// vectorbt's `crossed_above(a, b)` state machine, one bar at a time.
///
/// A signal is the first bar of a run of `a > b` bars, provided `a < b` held strictly at some
/// earlier bar since both series became defined. An exact tie keeps the "was below" memory.
struct CrossoverDetector {
    private var wasBelow = false
    private var barsAbove = -1

    /// Feeds bar `i`; returns true when `a` crosses above `b` on it.
    @inline(__always)
    mutating func step(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN {
            wasBelow = false
            barsAbove = -1
            return false
        }
        if a > b {
            if wasBelow { barsAbove += 1 }
            return wasBelow && barsAbove == 0
        }
        barsAbove = -1
        if a < b { wasBelow = true }
        return false
    }
}
