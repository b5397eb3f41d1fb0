import Foundation
import Synchronization
import ZixlyCore

/// Keeps time for the store operations in flight, with one loop per database instead of a timer
/// per operation. An operation past `limit` fails with `StoreUnavailable` even if it ignores
/// cancellation (a query stuck on a connection the server closed): the caller gets its error and
/// the operation is cancelled and left to end on its own. Operations still waiting after
/// `probeAfter` (typically for a pooled connection while the server is down) have the server
/// probed, once for all of them, on a connection of its own: if that fails, so do they, at once.
final class OperationWatchdog: Sendable {
    private struct Watched {
        let started: ContinuousClock.Instant
        var probed = false
        let fail: @Sendable (StoreUnavailable) -> Void
    }
    private struct State {
        var nextID = 0
        var watched: [Int: Watched] = [:]
    }
    private let state = Mutex(State())
    let limit: Duration
    let probeAfter: Duration
    let tick: Duration

    init(limit: Duration, probeAfter: Duration = .seconds(1), tick: Duration = .milliseconds(200)) {
        self.limit = limit
        self.probeAfter = probeAfter
        self.tick = tick
    }

    /// Runs `body` in a task of its own and returns its result, or throws `StoreUnavailable` when
    /// the watch (`watch(probe:)`, which must be running) gives up on it first.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = FirstResult<T>()
        let work = Task {
            do { outcome.settle(.success(try await body())) } catch { outcome.settle(.failure(error)) }
        }
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.watched[state.nextID] = Watched(started: .now) { reason in
                if outcome.settle(.failure(reason)) { work.cancel() }
            }
            return state.nextID
        }
        defer { _ = state.withLock { $0.watched.removeValue(forKey: id) } }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            work.cancel()
        }
    }

    /// The loop that fails overdue operations; runs until cancelled.
    func watch(probe: @Sendable () async throws -> Void) async {
        while (try? await Task.sleep(for: tick)) != nil {
            await check(now: .now, probe: probe)
        }
    }

    /// One round of the loop: fails what is past the limit, probes for what waits past `probeAfter`.
    func check(now: ContinuousClock.Instant, probe: @Sendable () async throws -> Void) async {
        let (overdue, waiting) = state.withLock { state in
            var overdue: [Watched] = []
            var waiting: [Watched] = []
            for (id, watched) in state.watched {
                if now - watched.started >= limit {
                    overdue.append(watched)
                    state.watched[id] = nil
                } else if now - watched.started >= probeAfter && !watched.probed {
                    waiting.append(watched)
                    state.watched[id]?.probed = true
                }
            }
            return (overdue, waiting)
        }
        let seconds = Int(limit.inSeconds.rounded())
        for watched in overdue { watched.fail(StoreUnavailable(reason: "no answer from PostgreSQL within \(seconds) s")) }
        guard !waiting.isEmpty else { return }
        do {
            try await probe()
        } catch {
            let reason = (error as? StoreUnavailable) ?? StoreUnavailable(reason: "\(error)")
            for watched in waiting { watched.fail(reason) }
        }
    }

    var inFlight: Int { state.withLock { $0.watched.count } }
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
