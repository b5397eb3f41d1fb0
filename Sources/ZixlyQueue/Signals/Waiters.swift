import Foundation
import Synchronization

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
