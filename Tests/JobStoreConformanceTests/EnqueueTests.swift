import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("JobStore: enqueue")
struct EnqueueTests {
    @Test("enqueue stores a queued job with every field", arguments: StoreKind.allCases)
    func storesQueuedJob(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        var new = JobFactory.newJob(parameters: ["ticker": "GOOG", "range": [1, 2]], priority: 3, maxAttempts: 5)
        new.traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let result = try await h.store.enqueue(new, now: h.clock.now())
        guard case .created(let job) = result else {
            Issue.record("expected created")
            return
        }
        #expect(job.id == new.id)
        #expect(job.state == .queued)
        #expect(job.parameters == new.parameters)
        #expect(job.priority == 3 && job.maxAttempts == 5 && job.attempt == 0)
        #expect(job.runAt == h.clock.now() && job.createdAt == h.clock.now())
        #expect(job.finishedAt == nil && job.leaseOwner == nil && job.leaseExpiresAt == nil)
        #expect(job.traceParent == new.traceParent)
        #expect(try await h.store.job(new.id) == job)
    }

    @Test("the same idempotency key returns the first job and inserts nothing", arguments: StoreKind.allCases)
    func idempotencyKey(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let first = try await h.store.enqueue(JobFactory.newJob(idempotencyKey: "msg_1"), now: h.clock.now())
        let second = try await h.store.enqueue(JobFactory.newJob(parameters: ["other": true], idempotencyKey: "msg_1"), now: h.clock.now())
        #expect(second == .duplicate(first.job))
        let otherTenant = try await h.store.enqueue(JobFactory.newJob(idempotencyKey: "msg_1", tenant: "t2"), now: h.clock.now())
        guard case .created = otherTenant else {
            Issue.record("another tenant's key must not collide")
            return
        }
        #expect(try await h.store.countByState()[.queued] == 2)
    }

    @Test("racing enqueues with one key make exactly one job", arguments: StoreKind.allCases)
    func racingIdempotency(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await h.store.enqueue(
                        JobFactory.newJob(parameters: ["i": .number(Double(index))], idempotencyKey: "same"), now: h.clock.now())
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count(where: { if case .created = $0 { true } else { false } }) == 1)
        #expect(Set(results.map(\.job.id)).count == 1)
        #expect(try await h.store.countByState()[.queued] == 1)
    }

    @Test("concurrent enqueues (written together where the store batches them) each store their own fields", arguments: StoreKind.allCases)
    func concurrentEnqueues(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        func newJob(_ index: Int) -> NewJob {
            var job = JobFactory.newJob(
                parameters: ["i": .number(Double(index))], priority: index % 5, maxAttempts: 1 + index % 4,
                idempotencyKey: index % 3 == 0 ? nil : "key-\(index % 40)", runAt: h.clock.now().addingTimeInterval(Double(index % 7)))
            job.traceParent = index % 2 == 0 ? "00-0af7651916cd43dd8448eb211c80319c-\(String(format: "%016x", index))-01" : nil
            return job
        }
        let results = try await withThrowingTaskGroup(of: (Int, EnqueueResult).self) { group in
            for index in 0..<80 {
                group.addTask { (index, try await h.store.enqueue(newJob(index), now: h.clock.now())) }
            }
            return try await group.reduce(into: [Int: EnqueueResult]()) { $0[$1.0] = $1.1 }
        }
        for (index, result) in results {
            let sent = newJob(index)
            let stored = try #require(try await h.store.job(result.job.id))
            #expect(stored == result.job, "what enqueue returned is what was stored")
            if case .created(let job) = result {
                #expect(job.parameters == sent.parameters && job.priority == sent.priority)
                #expect(job.maxAttempts == sent.maxAttempts && job.idempotencyKey == sent.idempotencyKey)
                #expect(job.traceParent == sent.traceParent && job.runAt == sent.runAt)
            } else {
                #expect(sent.idempotencyKey != nil && result.job.idempotencyKey == sent.idempotencyKey, "only a repeated key is a duplicate")
            }
        }
        let keyed = Set((0..<80).compactMap { newJob($0).idempotencyKey })
        let unkeyed = (0..<80).filter { newJob($0).idempotencyKey == nil }.count
        #expect(results.values.count(where: { if case .created = $0 { true } else { false } }) == keyed.count + unkeyed)
        #expect(try await h.store.countByState()[.queued] == keyed.count + unkeyed)
    }

    @Test("a job scheduled later is not claimable before its time", arguments: StoreKind.allCases)
    func scheduled(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        try await h.factory.queued(JobFactory.newJob(runAt: h.clock.now().addingTimeInterval(30)))
        #expect(try await h.store.claim(worker: Harness.worker, limit: 5, leaseFor: 60, now: h.clock.now()).isEmpty)
        h.clock.advance(by: 30)
        #expect(try await h.store.claim(worker: Harness.worker, limit: 5, leaseFor: 60, now: h.clock.now()).count == 1)
    }
}
