import Dispatch
import Foundation
import Synchronization

/// Runs `Passwords`' scrypt (128 MiB and about 0.3 s each) on Dispatch's threads, never on an
/// event loop, at most `concurrency` at once and with at most `maxWaiting` queued behind them.
/// A sign-in flood then costs the server `concurrency` cores and `concurrency` × 128 MiB at most,
/// and every other route keeps its event loops; past the queue, sign-ins are refused at once.
public final class PasswordHasher: Sendable {
    public struct Configuration: Sendable {
        /// Hashes computed at once (`ZIXLY_PASSWORD_HASHERS`). Default 1: half of a 2-core machine.
        public var concurrency = 1
        /// Password checks allowed to wait for a hasher; more are refused with 429. Default 16.
        public var maxWaiting = 16
        /// log2 of scrypt's N for new hashes, and the least a stored hash may have before it is
        /// replaced (`ZIXLY_PASSWORD_COST`). Default 17, OWASP's minimum; lower only in tests.
        public var logN = Passwords.currentLogN
        public init() {}
    }

    public enum Verdict: Sendable, Equatable {
        /// The password matches; `rehashed` is a new hash at the current cost when the stored one was weaker.
        case match(rehashed: String?)
        case mismatch
    }

    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Bool, Never>] = []
    }

    public let configuration: Configuration
    private let state = Mutex(State())

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// A new hash of `password`.
    /// - Throws: `APIError` 429 when the queue is full.
    public func hash(_ password: String) async throws -> String {
        let logN = configuration.logN
        return try await run { try Passwords.hash(password, logN: logN) }
    }

    /// Checks `password` against `stored`; nil `stored` (no such user) is checked against
    /// `Passwords.decoy`, at the same cost, and never matches. `beforeHashing` runs once a hasher
    /// is free and may throw to give the check up (a sign-in whose account was locked while it
    /// waited in line).
    /// - Throws: `APIError` 429 when the queue is full; whatever `beforeHashing` throws.
    public func verify(
        _ password: String, against stored: String?, beforeHashing: @escaping @Sendable () throws -> Void = {}
    ) async throws -> Verdict {
        let logN = configuration.logN
        return try await run {
            try beforeHashing()
            guard let stored else {
                _ = Passwords.verify(password, against: Passwords.decoy(logN: logN))
                return .mismatch
            }
            guard Passwords.verify(password, against: stored) else { return .mismatch }
            return .match(rehashed: Passwords.needsRehash(stored, logN: logN) ? try Passwords.hash(password, logN: logN) : nil)
        }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Takes a hasher, waits in line for one, or throws 429 when the line is full.
    private func acquire() async throws {
        let admitted: Bool = await withCheckedContinuation { continuation in
            let decision = state.withLock { state -> Bool? in
                if state.running < configuration.concurrency {
                    state.running += 1
                    return true
                }
                guard state.waiting.count < configuration.maxWaiting else { return false }
                state.waiting.append(continuation)
                return nil  // resumed by `release()`
            }
            if let decision { continuation.resume(returning: decision) }
        }
        guard admitted else { throw APIError.tooManyRequests("too many password checks at once; try again in a second", retryAfter: 1) }
    }

    /// Hands the hasher to the first waiter, or frees it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: true)
    }
}
