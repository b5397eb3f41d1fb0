import Foundation
import Synchronization

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
