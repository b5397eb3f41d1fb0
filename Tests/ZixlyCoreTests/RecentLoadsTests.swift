import Synchronization
import Testing
import ZixlyCore

@Suite("Recent loads")
struct RecentLoadsTests {
    struct Broken: Error {}

    /// Counts the loads it runs; each takes `delay`.
    final class Loader: Sendable {
        let count = Atomic<Int>(0)
        func load(_ key: Int, delay: Duration = .zero) async throws -> String {
            count.add(1, ordering: .relaxed)
            try await Task.sleep(for: delay)
            return "value \(key)"
        }
        var loads: Int { count.load(ordering: .relaxed) }
    }

    @Test("a flood of concurrent first asks for one key runs one load; all get its value")
    func sharesFirstLoad() async throws {
        let cache = RecentLoads<Int, String>(capacity: 2)
        let loader = Loader()
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.value(for: 1) { try await loader.load(1, delay: .milliseconds(50)) } } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: "value 1", count: 50) && loader.loads == 1)
    }

    @Test("it keeps the most recently asked keys up to its capacity, loading an evicted one again")
    func evictsLeastRecent() async throws {
        let cache = RecentLoads<Int, String>(capacity: 2)
        let loader = Loader()
        for key in [1, 2, 1, 3, 1, 2] { _ = try await cache.value(for: key) { try await loader.load(key) } }
        // 1, 2 loaded; 1 kept; 3 evicts 2; 1 kept; 2 loaded again (evicting 3).
        #expect(loader.loads == 4)
    }

    @Test("a failed load is not kept, and capacity 0 keeps nothing")
    func failuresAndZero() async throws {
        let cache = RecentLoads<Int, String>(capacity: 2)
        await #expect(throws: Broken.self) { try await cache.value(for: 1) { throw Broken() } }
        #expect(try await cache.value(for: 1) { "loaded again" } == "loaded again")

        let none = RecentLoads<Int, String>(capacity: 0)
        let loader = Loader()
        for _ in 0..<3 { _ = try await none.value(for: 1) { try await loader.load(1) } }
        #expect(loader.loads == 3)
    }
}
