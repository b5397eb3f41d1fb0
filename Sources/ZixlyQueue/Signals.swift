import Foundation
import Synchronization

/// Wakes waiting workers when work may be available (an in-process enqueue). Waiting is
/// always bounded, so polling stays correct on its own.
public final class WorkSignal: Sendable {
    private let waiters = Mutex<[UUID: CheckedContinuation<Void, Never>]>([:])

    public init() {}

    /// Wakes every current waiter.
    public func notify() {
        let woken = waiters.withLock { waiters in
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns at the next `notify()`, after `timeout`, or when the task is cancelled.
    public func wait(upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForNotify() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns at the next `notify()`, or when the task is cancelled.
    func waitForNotify() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let alreadyCancelled = waiters.withLock { waiters -> Bool in
                    if Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if alreadyCancelled { continuation.resume() }
            }
        } onCancel: {
            let continuation = waiters.withLock { $0.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}

/// One timer for many waiters: `next()` returns at the next beat of `run()`'s loop. A worker's
/// running jobs share it for their heartbeats, instead of each arming a timer of its own (which
/// costs a wake-up of Dispatch's timer thread per job, more than a no-op job itself).
final class Ticker: Sendable {
    let interval: Duration
    private let beats = WorkSignal()

    init(every interval: Duration) {
        self.interval = interval
    }

    /// Beats every `interval` until the task is cancelled, then once more, to let every waiter go.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            beats.notify()
        }
        beats.notify()
    }

    /// Returns at the next beat (at most `interval` from now while `run()` runs), or when the
    /// task is cancelled.
    func next() async {
        await beats.waitForNotify()
    }
}

/// A one-shot event (shutdown requested): `wait()` returns once `trigger()` was called.
public final class Latch: Sendable {
    private struct State {
        var triggered = false
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public var isTriggered: Bool { state.withLock { $0.triggered } }

    public func trigger() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.triggered else { return [] }
            state.triggered = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns when triggered, or when the task is cancelled.
    public func wait() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.triggered || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}

/// How many tasks are in flight (jobs in a worker pool, deliveries in a sender).
public final class InFlightCount: Sendable {
    private let count = Mutex(0)
    public init() {}
    public var value: Int { count.withLock { $0 } }
    public func add(_ delta: Int) { count.withLock { $0 += delta } }
}
