public import Foundation

/// Where queue logic gets "now" from. Inject `SystemWallClock` in production and a manual clock
/// in tests; no queue code calls `Date()` itself.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

extension Duration {
    /// This duration in seconds, as a `Double` (for timings reported and compared as numbers).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
