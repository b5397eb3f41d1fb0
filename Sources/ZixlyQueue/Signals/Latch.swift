import Foundation
import Synchronization

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
