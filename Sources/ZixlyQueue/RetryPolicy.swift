public import Foundation
import ZixlyCore

/// When a failed attempt runs again. Either exponential backoff with jitter: delay after attempt
/// n (1-based) = `base × 2^(n−1)`, capped at `maxDelay`, then scaled by a random factor in
/// `[1 − jitter, 1]`; or a fixed `schedule` of delays, after which no attempt is left (outbound
/// webhooks: 5 s, 5 min, 30 min, …, as Svix does).
public struct RetryPolicy: Sendable, Equatable {
    /// Delay after the first failed attempt. Default 2 s.
    public var base: Duration
    /// No delay exceeds this. Default 10 min.
    public var maxDelay: Duration
    /// Fraction of the delay that is randomized (0 = none, 1 = full jitter). Default 0.5.
    public var jitter: Double
    /// When set, the delay after attempt n is `schedule[n − 1]` and there is no attempt after
    /// `schedule.count + 1` (nor after the job's `maxAttempts`); the other settings are unused.
    public var schedule: [Duration]?

    public static let `default` = RetryPolicy(base: .seconds(2), maxDelay: .seconds(600), jitter: 0.5)

    public init(base: Duration, maxDelay: Duration, jitter: Double) {
        self.base = base
        self.maxDelay = maxDelay
        self.jitter = min(1, max(0, jitter))
    }

    /// A fixed schedule of delays.
    public init(schedule: [Duration]) {
        self.init(base: schedule.first ?? .zero, maxDelay: schedule.max() ?? .zero, jitter: 0)
        self.schedule = schedule
    }

    /// The delay before the attempt after `attempt`, with `unit` a random number in [0, 1).
    public func delay(afterAttempt attempt: Int, unit: Double = Double.random(in: 0..<1)) -> Duration {
        if let schedule, !schedule.isEmpty { return schedule[min(max(attempt, 1), schedule.count) - 1] }
        let exponent = Double(max(0, attempt - 1))
        let raw = min(maxDelay.inSeconds, base.inSeconds * pow(2, exponent))
        return .seconds(raw * (1 - jitter * unit))
    }

    /// When to run again after `attempt` of `maxAttempts` failed at `now`; nil when none is left.
    public func retryAt(afterAttempt attempt: Int, maxAttempts: Int, now: Date) -> Date? {
        guard attempt < maxAttempts, attempt <= schedule?.count ?? attempt else { return nil }
        return now.addingTimeInterval(delay(afterAttempt: attempt).inSeconds)
    }
}
