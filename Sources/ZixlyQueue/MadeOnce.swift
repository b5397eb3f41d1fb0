import Synchronization

/// Values made on first use, one per key, then kept (metric handles on hot paths: making a
/// metric looks it up in the registry under a lock and checks its name and labels).
public final class MadeOnce<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let make: @Sendable (Key) -> Value
    private let made = Mutex<[Key: Value]>([:])

    public init(_ make: @escaping @Sendable (Key) -> Value) {
        self.make = make
    }

    public subscript(key: Key) -> Value {
        if let value = made.withLock({ $0[key] }) { return value }
        let value = make(key)
        return made.withLock { made in
            if let existing = made[key] { return existing }
            made[key] = value
            return value
        }
    }
}
