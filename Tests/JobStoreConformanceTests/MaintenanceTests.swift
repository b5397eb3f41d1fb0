import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("JobStore: rescue, prune, counts, listing")
struct MaintenanceTests {
    @Test("rescue requeues expired leases with backoff, and fails them on the last attempt", arguments: StoreKind.allCases)
    func rescue(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let retriable = try await h.factory.running(JobFactory.newJob(maxAttempts: 3), leaseFor: 10)
        let lastTry = try await h.factory.running(JobFactory.newJob(maxAttempts: 1), leaseFor: 10)
        let healthy = try await h.factory.running(leaseFor: 100)
        h.clock.advance(by: 10)
        #expect(try await h.store.rescueExpired(limit: 10, retryPolicy: Harness.exactRetry, now: h.clock.now()).isEmpty)
        h.clock.advance(by: 1)
        let report = try await h.store.rescueExpired(limit: 10, retryPolicy: Harness.exactRetry, now: h.clock.now())
        #expect(report.requeued == [retriable.job.id] && report.failed == [lastTry.job.id])
        let requeued = try #require(try await h.store.job(retriable.job.id))
        #expect(requeued.state == .queued && requeued.runAt == h.clock.now().addingTimeInterval(2) && requeued.leaseOwner == nil)
        #expect(requeued.errorMessage?.contains("lease expired") == true)
        #expect(requeued.attemptErrors.map(\.attempt) == [1] && requeued.attemptErrors.first?.message == requeued.errorMessage)
        #expect(requeued.attemptErrors.first?.worker == WorkerID("factory"))
        let failed = try #require(try await h.store.job(lastTry.job.id))
        #expect(failed.state == .failed && failed.finishedAt == h.clock.now())
        #expect(failed.attemptErrors.count == 1 && failed.attemptErrors[0].message == "lease expired on the last attempt (1 of 1)")
        #expect(try await h.store.job(healthy.job.id)?.state == .running)
    }

    @Test("rescue honours its batch limit", arguments: StoreKind.allCases)
    func rescueLimit(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        for _ in 0..<5 { _ = try await h.factory.running(leaseFor: 1) }
        h.clock.advance(by: 2)
        #expect(try await h.store.rescueExpired(limit: 3, retryPolicy: Harness.exactRetry, now: h.clock.now()).count == 3)
        #expect(try await h.store.rescueExpired(limit: 3, retryPolicy: Harness.exactRetry, now: h.clock.now()).count == 2)
    }

    @Test("prune deletes only final jobs finished before the cutoff", arguments: StoreKind.allCases)
    func prune(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let old = try await h.factory.running()
        _ = try await h.store.complete(old.lease, summary: [:], now: h.clock.now())
        h.clock.advance(by: 100)
        let recent = try await h.factory.running()
        _ = try await h.store.complete(recent.lease, summary: [:], now: h.clock.now())
        let waiting = try await h.factory.queued()
        #expect(try await h.store.pruneFinished(before: h.clock.now().addingTimeInterval(-50), limit: 10) == 1)
        #expect(try await h.store.job(old.job.id) == nil)
        #expect(try await h.store.job(recent.job.id) != nil)
        #expect(try await h.store.job(waiting.id) != nil)
    }

    @Test("counts by state, the oldest queued age and expired leases", arguments: StoreKind.allCases)
    func counts(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        _ = try await h.factory.running(leaseFor: 20)
        _ = try await h.factory.running(leaseFor: 60)
        try await h.factory.queued()
        h.clock.advance(by: 30)
        try await h.factory.queued()
        let counts = try await h.store.countByState()
        #expect(counts == [.queued: 2, .running: 2, .completed: 0, .failed: 0, .cancelled: 0])
        #expect(try await h.store.oldestQueuedAge(now: h.clock.now()) == 30)
        #expect(try await h.store.expiredLeaseCount(now: h.clock.now()) == 1)
        #expect(try await h.store.expiredLeaseCount(now: h.clock.now().addingTimeInterval(-15)) == 0)
    }

    @Test("listing filters by state, type and tenant, newest first, with paging", arguments: StoreKind.allCases)
    func listing(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        var ids: [JobID] = []
        for index in 0..<5 {
            ids.append(try await h.factory.queued(JobFactory.newJob(type: index.isMultiple(of: 2) ? "even" : "odd")).id)
            h.clock.advance(by: 1)
        }
        try await h.factory.queued(JobFactory.newJob(tenant: "other"))
        let page = try await h.store.jobs(matching: JobFilter(tenant: NewJob.defaultTenant), page: PageRequest(limit: 2, offset: 1))
        #expect(page.total == 5 && page.items.map(\.id) == [ids[3], ids[2]] && page.hasMore)
        let even = try await h.store.jobs(matching: JobFilter(jobType: "even", tenant: NewJob.defaultTenant), page: PageRequest(limit: 10))
        #expect(even.items.map(\.id) == [ids[4], ids[2], ids[0]] && !even.hasMore)
        _ = try await h.store.cancel(ids[1], now: h.clock.now())
        let cancelled = try await h.store.jobs(matching: JobFilter(state: .cancelled), page: PageRequest())
        #expect(cancelled.items.map(\.id) == [ids[1]])
    }

    @Test("a migrated store reports ready", arguments: StoreKind.allCases)
    func ready(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        #expect(await h.store.isReady())
    }
}
