import Foundation
import Synchronization

/// Wakes waiting workers when work may be available (an in-process enqueue). Waiting is
/// always bounded, so polling stays correct on its own.
public final class WorkSignal: Sendable {
    private let waiters = Mutex(Waiters())

    public init() {}

    /// Wakes every current waiter.
    public func notify() {
        for continuation in waiters.withLock({ $0.removeAll() }) { continuation.resume() }
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
        let id = waiters.withLock { $0.reserveID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let alreadyCancelled = waiters.withLock { waiters -> Bool in
                    if Task.isCancelled { return true }
                    waiters.add(continuation, id: id)
                    return false
                }
                if alreadyCancelled { continuation.resume() }
            }
        } onCancel: {
            waiters.withLock { $0.remove(id) }?.resume()
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
        var waiters = Waiters()
    }
    private let state = Mutex(State())

    public init() {}

    public var isTriggered: Bool { state.withLock { $0.triggered } }

    public func trigger() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.triggered else { return [] }
            state.triggered = true
            return state.waiters.removeAll()
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns when triggered, or when the task is cancelled.
    public func wait() async {
        let id = state.withLock { $0.waiters.reserveID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.triggered || Task.isCancelled { return true }
                    state.waiters.add(continuation, id: id)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.remove(id) }?.resume()
        }
    }
}

/// Suspended tasks, each under an id taken from a counter (a `UUID` would cost a `getrandom`
/// system call per wait, and a heartbeat waits once per job per tick).
struct Waiters {
    private var nextID: UInt64 = 0
    private var waiting: [UInt64: CheckedContinuation<Void, Never>] = [:]

    mutating func reserveID() -> UInt64 {
        nextID &+= 1
        return nextID
    }

    mutating func add(_ continuation: CheckedContinuation<Void, Never>, id: UInt64) {
        waiting[id] = continuation
    }

    mutating func remove(_ id: UInt64) -> CheckedContinuation<Void, Never>? {
        waiting.removeValue(forKey: id)
    }

    /// Every waiter, now removed (to be resumed outside the lock).
    mutating func removeAll() -> [CheckedContinuation<Void, Never>] {
        defer { waiting.removeAll(keepingCapacity: true) }
        return Array(waiting.values)
    }
}

/// How many tasks are in flight (jobs in a worker pool, deliveries in a sender).
public final class InFlightCount: Sendable {
    private let count = Mutex(0)
    public init() {}
    public var value: Int { count.withLock { $0 } }
    public func add(_ delta: Int) { count.withLock { $0 += delta } }
}

/// Wakes one waiting loop. A ring while the loop is busy is kept (one, however many came) for
/// its next `wait()`, so the loop never sleeps through a change it has not yet looked at.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at once if rung since the last wait, else at the next ring or when the task is
    /// cancelled. One waiter at a time.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume()
        }
    }
}
