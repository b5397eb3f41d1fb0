import Foundation
import Logging
import Synchronization
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

/// A handler whose behaviour each test chooses.
struct ScriptedHandler: JobHandler {
    let jobType = "test"
    let body: @Sendable (Job, JobContext) async throws -> JSONValue

    func run(_ job: Job, context: JobContext) async throws -> JSONValue {
        try await body(job, context)
    }
}

/// Runs a pool and lets the test wait for its events, never sleeping blindly.
final class PoolHarness: Sendable {
    let stores: TestStores
    let pool: WorkerPool
    let shutdown = Latch()
    private let log = EventLog()

    init(
        handler: ScriptedHandler, retryPolicy: RetryPolicy = RetryPolicy(base: .milliseconds(10), maxDelay: .milliseconds(50), jitter: 0),
        gracePeriod: Duration = .seconds(5),
        leaseDuration: Duration = .seconds(30)
    ) async throws {
        stores = try await TestStores.make(.sqlite)
        var configuration = WorkerPool.Configuration()
        configuration.concurrency = 2
        configuration.leaseDuration = leaseDuration
        configuration.pollInterval = .milliseconds(20)
        configuration.progressInterval = .milliseconds(20)
        configuration.gracePeriod = gracePeriod
        let log = self.log
        pool = WorkerPool(
            store: stores.jobs, handlers: [handler], retryPolicy: retryPolicy, configuration: configuration,
            worker: WorkerID("pool-test"), logger: Logger(label: "test"), onEvent: log.append)
    }

    var store: any JobStore { stores.jobs }
    var history: [WorkerPool.Event] { log.events }

    func enqueue(maxAttempts: Int = 3) async throws -> JobID {
        try await store.enqueue(JobFactory.newJob(maxAttempts: maxAttempts), now: Date()).job.id
    }

    /// Waits (at most 30 s: a run takes well under a second, but CI machines stall) until an
    /// event `matching` has been seen.
    func waitFor(_ matching: @escaping @Sendable (WorkerPool.Event) -> Bool) async throws {
        try await log.wait(for: matching, timeout: .seconds(30))
    }
}

/// Every event a pool emitted, with waiters woken as matching events arrive.
final class EventLog: Sendable {
    private struct State {
        var events: [WorkerPool.Event] = []
        var waiters: [UUID: (matches: @Sendable (WorkerPool.Event) -> Bool, continuation: CheckedContinuation<Void, Never>)] = [:]
    }
    private let state = Mutex(State())

    var events: [WorkerPool.Event] { state.withLock { $0.events } }

    @Sendable func append(_ event: WorkerPool.Event) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.events.append(event)
            let matched = state.waiters.filter { $0.value.matches(event) }
            for key in matched.keys { state.waiters.removeValue(forKey: key) }
            return matched.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    func wait(for matching: @escaping @Sendable (WorkerPool.Event) -> Bool, timeout: Duration) async throws {
        let id = UUID()
        let waited = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let seen = self.state.withLock { state -> Bool in
                        if state.events.contains(where: matching) { return true }
                        state.waiters[id] = (matching, continuation)
                        return false
                    }
                    if seen { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            if !first {
                self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
            }
            group.cancelAll()
            return first
        }
        if !waited { throw FactoryError("timed out waiting for an event; saw \(events)") }
    }
}
