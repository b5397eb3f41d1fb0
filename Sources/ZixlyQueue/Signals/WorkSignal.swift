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
