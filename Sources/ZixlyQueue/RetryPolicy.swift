import Foundation

/// Exponential backoff with full jitter between attempts.
/// Delay after attempt n (1-based) = `base × 2^(n−1)`, capped at `maxDelay`, then scaled by a
/// random factor in `[1 − jitter, 1]`.
public struct RetryPolicy: Sendable, Equatable {
    /// Delay after the first failed attempt. Default 2 s.
    public var base: TimeInterval
    /// No delay exceeds this. Default 10 min.
    public var maxDelay: TimeInterval
    /// Fraction of the delay that is randomized (0 = none, 1 = full jitter). Default 0.5.
    public var jitter: Double

    public static let `default` = RetryPolicy(base: 2, maxDelay: 600, jitter: 0.5)

    public init(base: TimeInterval, maxDelay: TimeInterval, jitter: Double) {
        self.base = base
        self.maxDelay = maxDelay
        self.jitter = min(1, max(0, jitter))
    }

    /// The delay before the attempt after `attempt`, with `unit` a random number in [0, 1).
    public func delay(afterAttempt attempt: Int, unit: Double = Double.random(in: 0..<1)) -> TimeInterval {
        let exponent = Double(max(0, attempt - 1))
        let raw = min(maxDelay, base * pow(2, exponent))
        return raw * (1 - jitter * unit)
    }

    /// When to run again after `attempt` of `maxAttempts` failed at `now`; nil when none is left.
    public func retryAt(afterAttempt attempt: Int, maxAttempts: Int, now: Date) -> Date? {
        attempt < maxAttempts ? now.addingTimeInterval(delay(afterAttempt: attempt)) : nil
    }
}
