import AsyncAlgorithms
import Foundation
import Synchronization
import Testing
import ZixlyCore

@testable import ZixlyPostgres

/// The watchdog that bounds PostgreSQL store operations, driven round by round with made-up
/// instants (no loop, no sleeping on the limit).
@Suite("PostgreSQL operation watchdog")
struct OperationWatchdogTests {
    let watchdog = OperationWatchdog(limit: .seconds(30), probeAfter: .seconds(1))

    @Test("an operation that answers returns its value and is no longer watched")
    func answers() async throws {
        let value = try await watchdog.run { 42 }
        #expect(value == 42)
        #expect(watchdog.inFlight == 0)
    }

    @Test("operations waiting past probeAfter fail at once with the probe's reason; one probe serves them all")
    func failedProbe() async throws {
        let stuck = StuckOperations()
        let probes = Mutex(0)
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    do {
                        _ = try await watchdog.run { await stuck.wait() }
                        return "answered"
                    } catch let error as StoreUnavailable {
                        return error.reason
                    }
                }
            }
            try await waitUntil { watchdog.inFlight == 2 }
            // Under a second: nothing happens, no probe.
            await watchdog.check(now: .now) { probes.withLock { $0 += 1 } }
            #expect(probes.withLock { $0 } == 0)
            await watchdog.check(now: .now.advanced(by: .seconds(2))) {
                probes.withLock { $0 += 1 }
                throw StoreUnavailable(reason: "connection refused")
            }
            let reasons = try await Array(group)
            #expect(reasons == ["connection refused", "connection refused"])
        }
        #expect(probes.withLock { $0 } == 1)
        #expect(watchdog.inFlight == 0)
        stuck.release()
    }

    @Test("with the server answering probes, an operation runs until the limit, then fails and is cancelled")
    func limit() async throws {
        let stuck = StuckOperations()
        let cancelled = Mutex(false)
        async let outcome: String = {
            do {
                _ = try await watchdog.run {
                    await withTaskCancellationHandler {
                        await stuck.wait()
                    } onCancel: {
                        cancelled.withLock { $0 = true }
                    }
                }
                return "answered"
            } catch let error as StoreUnavailable {
                return error.reason
            }
        }()
        try await waitUntil { watchdog.inFlight == 1 }
        await watchdog.check(now: .now.advanced(by: .seconds(2))) {}  // probe succeeds: keep waiting
        #expect(watchdog.inFlight == 1)
        await watchdog.check(now: .now.advanced(by: .seconds(20))) { Issue.record("probed twice") }
        #expect(watchdog.inFlight == 1)
        await watchdog.check(now: .now.advanced(by: .seconds(31))) {}
        #expect(try await outcome == "no answer from PostgreSQL within 30 s")
        #expect(cancelled.withLock { $0 })
        stuck.release()
    }

    @Test("a caller cancelled while waiting cancels its operation")
    func callerCancelled() async throws {
        let stuck = StuckOperations()
        let cancelled = Mutex(false)
        let caller = Task {
            try await watchdog.run {
                await withTaskCancellationHandler {
                    await stuck.wait()
                } onCancel: {
                    cancelled.withLock { $0 = true }
                }
            }
        }
        try await waitUntil { watchdog.inFlight == 1 }
        caller.cancel()
        stuck.release()
        _ = await caller.result
        #expect(cancelled.withLock { $0 })
    }
}

/// Operations that ignore cancellation (like a query on a connection the server dropped) and
/// end only when released.
private final class StuckOperations: Sendable {
    private let state = Mutex<(released: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let released = state.withLock { state in
                if !state.released { state.waiters.append(continuation) }
                return state.released
            }
            if released { continuation.resume() }
        }
    }

    func release() {
        let waiters = state.withLock { state in
            state.released = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

private func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    #expect(condition())
}
