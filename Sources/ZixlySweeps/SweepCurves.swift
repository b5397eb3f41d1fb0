public import SweepEngine
public import ZixlyCore

/// A combination's portfolio value over the data a sweep ran on, against buy-and-hold, and the
/// trades that made it (their bars index `dates`).
public struct EquityCurve: Sendable, Equatable {
    public var dates: [String]
    public var strategy: [Double]
    public var buyAndHold: [Double]
    public var trades: [Trade]

    public init(dates: [String], strategy: [Double], buyAndHold: [Double], trades: [Trade] = []) {
        self.dates = dates
        self.strategy = strategy
        self.buyAndHold = buyAndHold
        self.trades = trades
    }
}

/// What a sweep job type can draw again for its result pages: one combination's equity curve,
/// simulated from the job's own data (milliseconds, where reading the stored artifact would mean
/// parsing every row).
public protocol SweepCurves: Sendable {
    /// nil when it cannot be made again (another executor ran it, or its data is gone).
    func equityCurve(of job: Job, fast: Int, slow: Int) async -> EquityCurve?
}
