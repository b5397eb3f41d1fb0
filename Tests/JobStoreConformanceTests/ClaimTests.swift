import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("JobStore: claim")
struct ClaimTests {
    @Test("claim takes jobs by priority, then run_at, then age, and starts a lease", arguments: StoreKind.allCases)
    func order(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let late = try await h.factory.queued(JobFactory.newJob(priority: 5))
        h.clock.advance(by: 1)
        let urgent = try await h.factory.queued(JobFactory.newJob(priority: -1))
        h.clock.advance(by: 1)
        let normalOld = try await h.factory.queued(JobFactory.newJob(priority: 0))
        h.clock.advance(by: 1)
        let normalNew = try await h.factory.queued(JobFactory.newJob(priority: 0))
        let claimed = try await h.store.claim(worker: Harness.worker, limit: 3, leaseFor: 60, now: h.clock.now())
        #expect(claimed.map(\.job.id) == [urgent.id, normalOld.id, normalNew.id])
        for job in claimed {
            #expect(job.job.state == .running)
            #expect(job.job.attempt == 1 && job.lease.attempt == 1)
            #expect(job.lease.worker == Harness.worker && job.job.leaseOwner == Harness.worker)
            #expect(job.job.leaseExpiresAt == h.clock.now().addingTimeInterval(60))
            #expect(job.job.startedAt == h.clock.now())
        }
        #expect(try await h.store.job(late.id)?.state == .queued)
    }

    @Test("two claimers never get the same job", arguments: StoreKind.allCases)
    func noDoubleClaim(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        for _ in 0..<60 { try await h.factory.queued() }
        let claims = try await withThrowingTaskGroup(of: [ClaimedJob].self) { group in
            for index in 0..<6 {
                group.addTask {
                    var mine: [ClaimedJob] = []
                    while true {
                        let batch = try await h.store.claim(worker: WorkerID("w\(index)"), limit: 2, leaseFor: 60, now: h.clock.now())
                        if batch.isEmpty { return mine }
                        mine += batch
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claims.count == 60)
        #expect(Set(claims.map(\.job.id)).count == 60)
    }

    @Test("running and final jobs are not claimable", arguments: StoreKind.allCases)
    func onlyQueued(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        _ = try await h.store.complete(running.lease, summary: ["ok": true], now: h.clock.now())
        let other = try await h.factory.running()
        #expect(try await h.store.claim(worker: Harness.otherWorker, limit: 10, leaseFor: 60, now: h.clock.now()).isEmpty)
        #expect(try await h.store.job(other.job.id)?.leaseOwner == WorkerID("factory"))
    }

    @Test("a claim takes only its queue's jobs; each queue keeps its own order", arguments: StoreKind.allCases)
    func queues(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let standard = try await h.factory.queued()
        var urgent = JobFactory.newJob(priority: -5)
        urgent.queue = "mail"
        let mail = try await h.factory.queued(urgent)
        #expect(mail.queue == "mail" && standard.queue == NewJob.defaultQueue)
        let fromDefault = try await h.store.claim(worker: Harness.worker, limit: 10, leaseFor: 60, now: h.clock.now())
        #expect(fromDefault.map(\.job.id) == [standard.id], "the other queue's more urgent job is not this queue's")
        #expect(try await h.store.claim(queue: "nobody", worker: Harness.worker, limit: 10, leaseFor: 60, now: h.clock.now()).isEmpty)
        let fromMail = try await h.store.claim(queue: "mail", worker: Harness.otherWorker, limit: 10, leaseFor: 60, now: h.clock.now())
        #expect(fromMail.map(\.job.id) == [mail.id] && fromMail.first?.job.queue == "mail")
        #expect(try await h.store.job(mail.id)?.queue == "mail")
    }
}
