public import Foundation
import Synchronization
import ZixlyCore

/// Failed sign-ins, counted per account (user name) and per client address, in this process.
/// After `freeFailures` failures a key is locked for `firstDelay`, doubling with each further
/// failure up to `maxDelay`; a sign-in while either of its keys is locked is refused (429) without
/// touching a password. A success clears its account (not its address). A key is forgotten
/// `forgetAfter` after its last failure; at most `maxTracked` keys are kept (the stalest go first).
///
/// Unknown user names are counted like real ones, so the throttle does not tell them apart.
/// Each replica counts its own failures: N replicas allow N times the attempts (docs/security.md).
public final class SignInThrottle: Sendable {
    public struct Configuration: Sendable {
        /// Failures of one user name before it is locked (`ZIXLY_LOGIN_ACCOUNT_FAILURES`). Default 5.
        public var accountFreeFailures = 5
        /// Failures from one address before it is locked (`ZIXLY_LOGIN_ADDRESS_FAILURES`). Default 20.
        public var addressFreeFailures = 20
        /// The first lock. Default 1 s.
        public var firstDelay: Duration = .seconds(1)
        /// The longest lock (`ZIXLY_LOGIN_MAX_DELAY_SECONDS`). Default 15 min.
        public var maxDelay: Duration = .seconds(900)
        /// How long a key's failures are remembered after its last one. Default 1 h.
        public var forgetAfter: Duration = .seconds(3600)
        /// Keys remembered at most. Default 10,000.
        public var maxTracked = 10_000
        public init() {}
    }

    /// Who is signing in: the keys their failures are counted under.
    public struct Attempt: Sendable {
        public var account: String?
        public var address: String
        public init(account: String?, address: String) {
            self.account = account
            self.address = address
        }

        var keys: [(key: String, free: KeyPath<Configuration, Int>)] {
            [("address:" + address, \.addressFreeFailures)] + (account.map { [("account:" + $0, \.accountFreeFailures)] } ?? [])
        }
    }

    private struct Record {
        var failures = 0
        var lockedUntil: Date = .distantPast
        var lastFailure: Date
    }

    public let configuration: Configuration
    private let records = Mutex([String: Record]())

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Seconds until `attempt` may be tried, or nil if it may be tried now.
    public func wait(before attempt: Attempt, now: Date) -> TimeInterval? {
        records.withLock { records in
            let until = attempt.keys.compactMap { records[$0.key]?.lockedUntil }.max() ?? .distantPast
            return until > now ? until.timeIntervalSince(now) : nil
        }
    }

    /// Counts a failed attempt against each of its keys, locking those past their free failures.
    public func recordFailure(_ attempt: Attempt, now: Date) {
        records.withLock { records in
            for (key, free) in attempt.keys {
                var record =
                    records[key].flatMap { now.timeIntervalSince($0.lastFailure) < configuration.forgetAfter.inSeconds ? $0 : nil }
                    ?? Record(lastFailure: now)
                record.failures += 1
                record.lastFailure = now
                let excess = record.failures - configuration[keyPath: free]
                if excess > 0 {
                    let delay = min(configuration.maxDelay.inSeconds, configuration.firstDelay.inSeconds * pow(2, Double(min(excess - 1, 30))))
                    record.lockedUntil = now.addingTimeInterval(delay)
                }
                records[key] = record
            }
            if records.count > configuration.maxTracked { evict(&records, now: now) }
        }
    }

    /// A successful sign-in: its account starts afresh.
    public func recordSuccess(_ attempt: Attempt) {
        guard let account = attempt.account else { return }
        _ = records.withLock { $0.removeValue(forKey: "account:" + account) }
    }

    /// Keys remembered now (for tests and the bound).
    public var trackedCount: Int { records.withLock { $0.count } }

    /// Drops forgotten keys, then the stalest until a tenth of the room is free again.
    private func evict(_ records: inout [String: Record], now: Date) {
        records = records.filter { now.timeIntervalSince($0.value.lastFailure) < configuration.forgetAfter.inSeconds }
        let target = configuration.maxTracked * 9 / 10
        guard records.count > target else { return }
        let stalest = records.sorted { $0.value.lastFailure < $1.value.lastFailure }.prefix(records.count - target).map(\.key)
        for key in stalest { records.removeValue(forKey: key) }
    }
}
