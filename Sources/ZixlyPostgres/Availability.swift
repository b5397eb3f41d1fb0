import Foundation
import Synchronization
import ZixlyCore

/// Whether the server was lost, and when it was last probed: a circuit breaker in front of the
/// pool, whose own reconnects make a caller wait up to a minute while the server is down.
final class Availability: Sendable {
    private struct State {
        var lost: StoreUnavailable?
        var lastProbe = ContinuousClock.Instant.now
    }
    private let state = Mutex(State())
    /// At most one probe per interval; callers in between fail at once.
    let probeInterval: Duration = .seconds(1)

    func markLost(_ reason: StoreUnavailable) {
        state.withLock { $0.lost = reason }
    }

    /// Returns at once while the server is believed reachable. Otherwise probes it (or, if a probe
    /// ran less than a second ago, throws at once): a successful probe closes the circuit.
    func checkBeforeUse(probe: @Sendable () async throws -> Void) async throws {
        let lost: StoreUnavailable? = state.withLock { state in
            guard let lost = state.lost else { return nil }
            if ContinuousClock.now - state.lastProbe < probeInterval { return lost }
            state.lastProbe = .now
            return nil
        }
        if let lost { throw lost }
        guard state.withLock({ $0.lost != nil }) else { return }
        do {
            try await probe()
            state.withLock { $0.lost = nil }
        } catch {
            let reason = (error as? StoreUnavailable) ?? StoreUnavailable(reason: "\(error)")
            state.withLock { $0.lost = reason }
            throw reason
        }
    }
}

/// Runs an operation with a time limit that holds even if the operation ignores cancellation
/// (a query stuck on a connection the server closed): past the limit the caller gets
/// `StoreUnavailable` and the operation is cancelled and left to end on its own. An operation
/// still waiting after `probeAfter` (typically for a pooled connection while the server is down)
/// has the server probed on a connection of its own: if that fails, so does the operation, at once.
enum Deadline {
    static func run<T: Sendable>(
        seconds: Double, probeAfter: Double = 1, probe: @escaping @Sendable () async throws -> Void,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = FirstResult<T>()
        let work = Task {
            do { outcome.settle(.success(try await body())) } catch { outcome.settle(.failure(error)) }
        }
        let timer = Task {
            try await Task.sleep(for: .seconds(probeAfter))
            do {
                try await probe()
            } catch {
                let reason = (error as? StoreUnavailable) ?? StoreUnavailable(reason: "\(error)")
                if outcome.settle(.failure(reason)) { work.cancel() }
                return
            }
            try await Task.sleep(for: .seconds(max(0, seconds - probeAfter)))
            if outcome.settle(.failure(StoreUnavailable(reason: "no answer from PostgreSQL within \(Int(seconds)) s"))) {
                work.cancel()
            }
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            work.cancel()
        }
    }

    /// A one-shot result: the first `settle` wins, later ones are dropped; `value()` waits for it.
    final class FirstResult<T: Sendable>: Sendable {
        private struct State {
            var result: Result<T, any Error>?
            var waiter: CheckedContinuation<T, any Error>?
        }
        private let state = Mutex(State())

        /// True if this was the first result.
        @discardableResult
        func settle(_ result: Result<T, any Error>) -> Bool {
            let (first, waiter) = state.withLock { state -> (Bool, CheckedContinuation<T, any Error>?) in
                guard state.result == nil else { return (false, nil) }
                state.result = result
                defer { state.waiter = nil }
                return (true, state.waiter)
            }
            waiter?.resume(with: result)
            return first
        }

        func value() async throws -> T {
            try await withCheckedThrowingContinuation { continuation in
                let settled = state.withLock { state -> Result<T, any Error>? in
                    if state.result == nil { state.waiter = continuation }
                    return state.result
                }
                if let settled { continuation.resume(with: settled) }
            }
        }
    }
}

/// Sends a burst of wake-ups as one: while a NOTIFY is on its way, further requests collapse
/// into a single follow-up. An enqueue asks after its commit and does not wait for it, so a
/// NOTIFY never costs the enqueue a round trip or a transaction of its own.
final class CoalescedWakeup: Sendable {
    private struct State {
        var pending = false
        var sending = false
    }
    private let state = Mutex(State())

    func request(_ send: @escaping @Sendable () async -> Void) {
        let start = state.withLock { state -> Bool in
            state.pending = true
            guard !state.sending else { return false }
            state.sending = true
            return true
        }
        guard start else { return }
        Task {
            while true {
                state.withLock { $0.pending = false }
                await send()
                let again = state.withLock { state -> Bool in
                    if state.pending { return true }
                    state.sending = false
                    return false
                }
                if !again { return }
            }
        }
    }
}
