/// Values that never change once made but cost much to load (a parsed dataset, a decoded
/// ranking), kept for the `capacity` most recently asked keys. Concurrent first asks for one key
/// share a single load, so a flood of page views loads each value once; a failed load is not kept.
/// With capacity 0 nothing is kept or shared: every ask loads.
public actor RecentLoads<Key: Hashable & Sendable, Value: Sendable> {
    public let capacity: Int
    private var loads: [Key: Task<Value, any Error>] = [:]
    /// Least recently asked first.
    private var recency: [Key] = []

    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The value for `key`, loaded by `load` unless it is kept or already loading.
    /// - Throws: `load`'s error (the next ask loads again).
    public func value(for key: Key, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        guard capacity > 0 else { return try await load() }
        let task: Task<Value, any Error>
        if let existing = loads[key] {
            task = existing
        } else {
            task = Task { try await load() }
            loads[key] = task
        }
        recency.removeAll { $0 == key }
        recency.append(key)
        while recency.count > capacity { loads[recency.removeFirst()] = nil }
        do {
            return try await task.value
        } catch {
            if loads[key] == task {
                loads[key] = nil
                recency.removeAll { $0 == key }
            }
            throw error
        }
    }
}
