import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("JobStore: heartbeat and fencing")
struct LeaseTests {
    @Test("heartbeat extends the lease and stores progress", arguments: StoreKind.allCases)
    func heartbeat(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        h.clock.advance(by: 20)
        let result = try await h.store.heartbeat(
            running.lease, progress: JobProgress(percent: 40, message: "40/100"), leaseFor: 60, now: h.clock.now())
        #expect(result == .renewed(cancelRequested: false))
        let job = try #require(try await h.store.job(running.job.id))
        #expect(job.leaseExpiresAt == h.clock.now().addingTimeInterval(60))
        #expect(job.progress == JobProgress(percent: 40, message: "40/100"))
        _ = try await h.store.heartbeat(running.lease, progress: nil, leaseFor: 60, now: h.clock.now())
        #expect(try await h.store.job(running.job.id)?.progress == JobProgress(percent: 40, message: "40/100"))
    }

    @Test("a heartbeat reports a cancel request", arguments: StoreKind.allCases)
    func cancelSeen(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        #expect(try await h.store.cancel(running.job.id, now: h.clock.now()) == .cancelRequested(try #require(try await h.store.job(running.job.id))))
        #expect(try await h.store.heartbeat(running.lease, progress: nil, leaseFor: 60, now: h.clock.now()) == .renewed(cancelRequested: true))
        #expect(try await h.store.acknowledgeCancel(running.lease, now: h.clock.now()))
        let job = try #require(try await h.store.job(running.job.id))
        #expect(job.state == .cancelled && job.finishedAt == h.clock.now() && job.leaseOwner == nil)
    }

    @Test("a rescued job's old worker can neither heartbeat, complete nor fail it", arguments: StoreKind.allCases)
    func fencing(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let old = try await h.factory.running(leaseFor: 10)
        h.clock.advance(by: 11)
        let report = try await h.store.rescueExpired(limit: 10, retryPolicy: Harness.exactRetry, now: h.clock.now())
        #expect(report.requeued == [old.job.id])
        h.clock.advance(by: 2)
        let new = try #require(try await h.store.claim(worker: Harness.otherWorker, limit: 1, leaseFor: 60, now: h.clock.now()).first)
        #expect(new.lease.attempt == 2)

        #expect(try await h.store.heartbeat(old.lease, progress: JobProgress(percent: 99), leaseFor: 60, now: h.clock.now()) == .leaseLost)
        #expect(try await !h.store.complete(old.lease, summary: ["stale": true], now: h.clock.now()))
        #expect(try await !h.store.fail(old.lease, failure: JobFailure(message: "stale"), retryAt: nil, now: h.clock.now()))
        #expect(try await !h.store.release(old.lease, now: h.clock.now()))
        let job = try #require(try await h.store.job(old.job.id))
        #expect(job.state == .running && job.leaseOwner == Harness.otherWorker && job.attempt == 2 && job.progress?.percent == 0)

        #expect(try await h.store.complete(new.lease, summary: ["fresh": true], now: h.clock.now()))
        #expect(try await h.store.job(old.job.id)?.resultSummary == ["fresh": true])
    }

    @Test("the same worker's lease from an earlier attempt is fenced too", arguments: StoreKind.allCases)
    func fencingByAttempt(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let first = try await h.factory.running(worker: Harness.worker, leaseFor: 5)
        h.clock.advance(by: 6)
        _ = try await h.store.rescueExpired(limit: 10, retryPolicy: Harness.exactRetry, now: h.clock.now())
        h.clock.advance(by: 2)
        let second = try #require(try await h.store.claim(worker: Harness.worker, limit: 1, leaseFor: 60, now: h.clock.now()).first)
        #expect(second.lease.worker == first.lease.worker && second.lease.attempt == 2)
        #expect(try await !h.store.complete(first.lease, summary: [:], now: h.clock.now()))
        #expect(try await h.store.job(first.job.id)?.state == .running)
    }
}
