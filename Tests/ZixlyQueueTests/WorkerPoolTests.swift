import Foundation
import Synchronization
import Testing
import ZixlyCore
import ZixlyTesting

@testable import ZixlyQueue

@Suite("WorkerPool")
struct WorkerPoolTests {
    @Test("a claimed job runs once and completes with the handler's summary")
    func completes() async throws {
        let runs = Atomic<Int>(0)
        let harness = try await PoolHarness(
            handler: ScriptedHandler { job, _ in
                runs.add(1, ordering: .relaxed)
                return ["echo": job.parameters]
            })
        try await withPool(harness) {
            let id = try await harness.enqueue()
            try await harness.waitFor { $0 == .completed(id) }
            let job = try #require(try await harness.store.job(id))
            #expect(job.state == .completed && job.attempt == 1)
            #expect(job.resultSummary == ["echo": ["n": 1]])
        }
        #expect(runs.load(ordering: .relaxed) == 1)
    }

    @Test("a failing job is retried with backoff, then dead-lettered after its last attempt")
    func retriesThenFails() async throws {
        let harness = try await PoolHarness(handler: ScriptedHandler { _, _ in throw JobFailure(message: "flaky") })
        try await withPool(harness) {
            let id = try await harness.enqueue(maxAttempts: 3)
            try await harness.waitFor { $0 == .failed(id, willRetry: false) }
            #expect(harness.history.filter { $0 == .failed(id, willRetry: true) }.count == 2)
            let job = try #require(try await harness.store.job(id))
            #expect(job.state == .failed && job.attempt == 3 && job.errorMessage == "flaky")
        }
    }

    @Test("a non-retryable failure fails the job at once, as rejected")
    func permanentFailure() async throws {
        let harness = try await PoolHarness(handler: ScriptedHandler { _, _ in throw JobFailure(message: "bad parameters", isRetryable: false) })
        try await withPool(harness) {
            let id = try await harness.enqueue(maxAttempts: 3)
            try await harness.waitFor { $0 == .rejected(id) }
            #expect(!harness.history.contains { $0 == .failed(id, willRetry: false) })
            #expect(WorkerPool.Event.rejected(id).attemptEnd == .rejected, "counted apart from failures, outside the job success SLO")
            #expect(WorkerPool.Event.failed(id, willRetry: false).attemptEnd == .failed)
            #expect(try await harness.store.job(id)?.attempt == 1)
        }
    }

    @Test("a snoozed job is given back to run later, its attempt not spent and its progress kept; a cancel meanwhile ends it")
    func snoozes() async throws {
        let runs = Atomic<Int>(0)
        let harness = try await PoolHarness(
            handler: ScriptedHandler { _, context in
                let run = runs.add(1, ordering: .relaxed).newValue
                context.report(JobProgress(percent: run * 10, message: "look \(run)"))
                throw JobSnoozed(for: .seconds(60))
            })
        try await withPool(harness) {
            let id = try await harness.enqueue(maxAttempts: 1)
            try await harness.waitFor { $0 == .released(id) }
            let job = try #require(try await harness.store.job(id))
            #expect(job.state == .queued && job.attempt == 0 && job.runAt > Date().addingTimeInterval(30))
            #expect(job.progress == JobProgress(percent: 10, message: "look 1"), "the progress reported before the snooze is kept")
            #expect(runs.load(ordering: .relaxed) == 1, "not run again before its time")
            _ = try await harness.store.cancel(id, now: Date())
            #expect(try await harness.store.job(id)?.state == .cancelled)
        }
    }

    @Test("progress reaches the store, and a cancel request stops the running job")
    func progressAndCancel() async throws {
        let harness = try await PoolHarness(
            handler: ScriptedHandler { _, context in
                context.report(JobProgress(percent: 42, message: "halfway"))
                while !context.shouldStop { try await Task.sleep(for: .milliseconds(5)) }
                try context.checkpoint()
                return [:]
            })
        try await withPool(harness) {
            let id = try await harness.enqueue()
            try await harness.waitFor { if case .claimed(id, _) = $0 { true } else { false } }
            var progress: JobProgress?
            for _ in 0..<200 where progress?.percent != 42 {
                progress = try await harness.store.job(id)?.progress
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(progress == JobProgress(percent: 42, message: "halfway"))
            _ = try await harness.store.cancel(id, now: Date())
            try await harness.waitFor { $0 == .cancelled(id) }
            #expect(try await harness.store.job(id)?.state == .cancelled)
        }
    }

    @Test("a job running past its lease has it renewed by the heartbeat, every third of the lease")
    func leaseRenewed() async throws {
        // Renewals, not timing: the job itself watches its lease and runs until it has seen three
        // expiries (successive renewals, each at least a third of the lease after the one before),
        // however slowly a starved CI machine runs it. A 3 s job watched from outside once took 25 s
        // there, and the watcher saw too few of its renewals.
        let watch = LeaseWatch()
        let harness = try await PoolHarness(
            handler: ScriptedHandler { job, _ in
                let deadline = ContinuousClock.now + .seconds(30)
                while watch.expiries.count < 3, ContinuousClock.now < deadline {
                    if let expiry = try await watch.store?.job(job.id)?.leaseExpiresAt { watch.saw(expiry) }
                    try await Task.sleep(for: .milliseconds(50))
                }
                return [:]
            }, leaseDuration: .milliseconds(2400))
        watch.store = harness.store
        try await withPool(harness) {
            let id = try await harness.enqueue()
            try await harness.waitFor { $0 == .completed(id) }
            let expiries = watch.expiries.sorted()
            #expect(expiries.count == 3, "the job saw \(expiries.count) lease expiries in 30 s")
            if let first = expiries.first, let last = expiries.last {
                #expect(last.timeIntervalSince(first) >= 1.6, "two renewals, each 0.8 s or more after the one before")
            }
            #expect(try await harness.store.job(id)?.attempt == 1)
        }
    }

    @Test("on shutdown a job that finishes within the grace period completes")
    func shutdownFinishes() async throws {
        let release = Latch()
        let harness = try await PoolHarness(
            handler: ScriptedHandler { _, _ in
                await release.wait()
                return ["done": true]
            })
        let id = try await harness.enqueue()
        try await withPool(
            harness,
            beforeShutdown: {
                try await harness.waitFor { if case .claimed(id, _) = $0 { true } else { false } }
            },
            afterShutdown: {
                release.trigger()
            })
        #expect(try await harness.store.job(id)?.state == .completed)
    }

    @Test("on shutdown a job still running after the grace period is released, its attempt not spent")
    func shutdownReleases() async throws {
        let harness = try await PoolHarness(
            handler: ScriptedHandler { _, context in
                while !context.shouldStop { try await Task.sleep(for: .milliseconds(5)) }
                throw JobStopped()
            }, gracePeriod: .milliseconds(100))
        let id = try await harness.enqueue()
        try await withPool(
            harness,
            beforeShutdown: {
                try await harness.waitFor { if case .claimed(id, _) = $0 { true } else { false } }
            })
        #expect(harness.history.contains(.released(id)))
        let job = try #require(try await harness.store.job(id))
        #expect(job.state == .queued && job.attempt == 0 && job.leaseOwner == nil)
    }

    @Test("no more handlers run at once than the pool has slots, and every job completes")
    func concurrencyLimit() async throws {
        let running = Atomic<Int>(0)
        let mostAtOnce = Atomic<Int>(0)
        // Each handler waits (up to a second) for a second one to run beside it, so the two slots
        // are seen full however slowly a loaded machine schedules them, and a third would show.
        let harness = try await PoolHarness(
            handler: ScriptedHandler { _, _ in
                let now = running.add(1, ordering: .relaxed).newValue
                mostAtOnce.max(now, ordering: .relaxed)
                let deadline = ContinuousClock.now + .seconds(1)
                while running.load(ordering: .relaxed) < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
                try await Task.sleep(for: .milliseconds(10))
                running.subtract(1, ordering: .relaxed)
                return [:]
            })
        var queued: [JobID] = []
        for _ in 0..<8 { queued.append(try await harness.enqueue()) }
        let ids = queued
        try await withPool(harness) {
            for id in ids { try await harness.waitFor { $0 == .completed(id) } }
        }
        #expect(mostAtOnce.load(ordering: .relaxed) == 2, "the harness's pool has 2 slots, and 8 queued jobs keep both busy")
    }

    @Test("a slot frees when its handler returns; jobs whose outcome is still being written hold claims back past one more set")
    func slotsAndRecordingBound() {
        let slots = SlotCount()
        #expect(slots.free(of: 2) == 2)
        slots.started()
        slots.started()
        #expect(slots.free(of: 2) == 0 && slots.running == 2)
        slots.handlerReturned()
        slots.handlerReturned()
        #expect(slots.free(of: 2) == 2, "both outcomes are being written; two more may run")
        slots.started()
        slots.started()
        slots.handlerReturned()
        slots.handlerReturned()
        #expect(slots.free(of: 2) == 0, "four outcomes being written: no claim until one is")
        slots.recorded()
        #expect(slots.free(of: 2) == 1)
    }

    /// Runs the pool until `body` returns, then shuts it down gracefully and waits for it.
    func withPool(
        _ harness: PoolHarness, beforeShutdown body: @Sendable () async throws -> Void = {},
        afterShutdown: @Sendable () -> Void = {}
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await harness.pool.run(until: harness.shutdown) }
            try await body()
            harness.shutdown.trigger()
            harness.pool.wakeups.notify()
            afterShutdown()
            try await group.waitForAll()
        }
    }
}

/// What a job saw of its own lease: the store it reads, and each distinct expiry.
final class LeaseWatch: Sendable {
    private let state = Mutex<(store: (any JobStore)?, expiries: Set<Date>)>((nil, []))

    var store: (any JobStore)? {
        get { state.withLock { $0.store } }
        set { state.withLock { $0.store = newValue } }
    }

    var expiries: Set<Date> { state.withLock { $0.expiries } }

    func saw(_ expiry: Date) { state.withLock { _ = $0.expiries.insert(expiry) } }
}
