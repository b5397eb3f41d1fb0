import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("JobStore: complete, fail, release")
struct FinishTests {
    @Test("complete stores the summary and finishes the job", arguments: StoreKind.allCases)
    func complete(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        h.clock.advance(by: 7)
        #expect(try await h.store.complete(running.lease, summary: ["best": ["score": 1.5]], now: h.clock.now()))
        let job = try #require(try await h.store.job(running.job.id))
        #expect(job.state == .completed)
        #expect(job.resultSummary == ["best": ["score": 1.5]])
        #expect(job.finishedAt == h.clock.now() && job.durationSeconds == 7)
        #expect(job.progress?.percent == 100)
        #expect(job.leaseOwner == nil && job.leaseExpiresAt == nil)
        #expect(try await !h.store.complete(running.lease, summary: [:], now: h.clock.now()))
    }

    @Test("complete many in one transaction: each fenced by its own lease", arguments: StoreKind.allCases)
    func completeMany(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let first = try await h.factory.running()
        let second = try await h.factory.running()
        let stale = try await h.factory.running()
        var staleLease = stale.lease
        staleLease.attempt += 1
        h.clock.advance(by: 2)
        let held = try await h.store.complete(
            [
                Completion(lease: first.lease, summary: ["n": 1]), Completion(lease: second.lease, summary: ["n": 2]),
                Completion(lease: staleLease, summary: ["n": 3]),
            ], now: h.clock.now())
        #expect(held == [first.job.id, second.job.id])
        let done = try #require(try await h.store.job(second.job.id))
        #expect(done.state == .completed && done.resultSummary == ["n": 2] && done.finishedAt == h.clock.now() && done.leaseOwner == nil)
        #expect(try await h.store.job(stale.job.id)?.state == .running)
        #expect(try await h.store.complete([Completion(lease: first.lease, summary: [:])], now: h.clock.now()).isEmpty)
        #expect(try await h.store.complete([], now: h.clock.now()).isEmpty)
    }

    @Test("complete and claim in one call: results fenced by their leases, the next jobs leased in claim order", arguments: StoreKind.allCases)
    func completeAndClaim(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let done = try await h.factory.running(worker: Harness.worker)
        let stale = try await h.factory.running(worker: Harness.worker)
        var staleLease = stale.lease
        staleLease.attempt += 1
        let first = try await h.factory.queued()
        h.clock.advance(by: 1)
        let second = try await h.factory.queued()
        h.clock.advance(by: 1)
        let third = try await h.factory.queued()
        h.clock.advance(by: 2)
        let both = try await h.store.completeAndClaim(
            [Completion(lease: done.lease, summary: ["n": 1]), Completion(lease: staleLease, summary: ["n": 2])],
            queue: NewJob.defaultQueue, worker: Harness.worker, limit: 2, leaseFor: 30, now: h.clock.now())
        #expect(both.held == [done.job.id])
        #expect(both.claimed.map(\.job.id) == [first.id, second.id])
        for claimed in both.claimed {
            #expect(claimed.lease == Lease(jobID: claimed.job.id, worker: Harness.worker, attempt: 1))
            #expect(claimed.job.state == .running && claimed.job.leaseExpiresAt == h.clock.now().addingTimeInterval(30))
        }
        let completed = try #require(try await h.store.job(done.job.id))
        #expect(completed.state == .completed && completed.resultSummary == ["n": 1] && completed.finishedAt == h.clock.now())
        #expect(try await h.store.job(stale.job.id)?.state == .running, "a stale lease writes nothing")
        #expect(try await h.store.job(third.id)?.state == .queued, "no more than the limit is claimed")

        let nothing = try await h.store.completeAndClaim(
            [], queue: NewJob.defaultQueue, worker: Harness.worker, limit: 0, leaseFor: 30, now: h.clock.now())
        #expect(nothing.held.isEmpty && nothing.claimed.isEmpty)
        let claimOnly = try await h.store.completeAndClaim(
            [], queue: NewJob.defaultQueue, worker: Harness.otherWorker, limit: 5, leaseFor: 30, now: h.clock.now())
        #expect(claimOnly.held.isEmpty && claimOnly.claimed.map(\.job.id) == [third.id])
        let completeOnly = try await h.store.completeAndClaim(
            both.claimed.map { Completion(lease: $0.lease, summary: [:]) }, queue: NewJob.defaultQueue, worker: Harness.worker, limit: 5,
            leaseFor: 30, now: h.clock.now())
        #expect(completeOnly.held == [first.id, second.id] && completeOnly.claimed.isEmpty)
    }

    @Test("fail with retryAt queues the job again with its error", arguments: StoreKind.allCases)
    func failRetry(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        let retryAt = h.clock.now().addingTimeInterval(4)
        #expect(try await h.store.fail(running.lease, failure: JobFailure(message: "boom"), retryAt: retryAt, now: h.clock.now()))
        let job = try #require(try await h.store.job(running.job.id))
        #expect(job.state == .queued && job.runAt == retryAt && job.errorMessage == "boom" && job.attempt == 1)
        #expect(job.finishedAt == nil && job.leaseOwner == nil)
        #expect(try await h.store.claim(worker: Harness.worker, limit: 1, leaseFor: 60, now: h.clock.now()).isEmpty)
        h.clock.advance(by: 4)
        #expect(try await h.store.claim(worker: Harness.worker, limit: 1, leaseFor: 60, now: h.clock.now()).first?.lease.attempt == 2)
    }

    @Test("fail without retryAt dead-letters the job", arguments: StoreKind.allCases)
    func failFinal(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        #expect(
            try await h.store.fail(running.lease, failure: JobFailure(message: "bad input", isRetryable: false), retryAt: nil, now: h.clock.now()))
        let job = try #require(try await h.store.job(running.job.id))
        #expect(job.state == .failed && job.errorMessage == "bad input" && job.finishedAt == h.clock.now())
    }

    @Test("each failed attempt joins the job's history, with its start, worker and error", arguments: StoreKind.allCases)
    func attemptHistory(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let first = try await h.factory.running(JobFactory.newJob(maxAttempts: 3), worker: Harness.worker)
        let firstStart = h.clock.now()
        h.clock.advance(by: 3)
        let firstFailure = h.clock.now()
        #expect(
            try await h.store.fail(
                first.lease, failure: JobFailure(message: "timeout <talking> to \"feed\""), retryAt: firstFailure, now: firstFailure))
        let second = try #require(try await h.store.claim(worker: Harness.otherWorker, limit: 1, leaseFor: 60, now: h.clock.now()).first)
        h.clock.advance(by: 2)
        #expect(try await h.store.fail(second.lease, failure: JobFailure(message: "bad input", isRetryable: false), retryAt: nil, now: h.clock.now()))
        let job = try #require(try await h.store.job(first.job.id))
        #expect(job.state == .failed && job.attemptErrors.count == 2)
        let (one, two) = (job.attemptErrors[0], job.attemptErrors[1])
        #expect(one.attempt == 1 && one.worker == Harness.worker && one.message == "timeout <talking> to \"feed\"")
        #expect(abs(try #require(one.startedAt).timeIntervalSince(firstStart)) < 0.001 && abs(one.at.timeIntervalSince(firstFailure)) < 0.001)
        #expect(two.attempt == 2 && two.worker == Harness.otherWorker && two.message == "bad input")
        #expect(abs(two.at.timeIntervalSince(h.clock.now())) < 0.001)
        // A user's retry keeps the history and adds itself to it; a completed attempt adds nothing.
        h.clock.advance(by: 10)
        let retriedAt = h.clock.now()
        _ = try await h.store.retry(job.id, now: retriedAt)
        let third = try #require(try await h.store.claim(worker: Harness.worker, limit: 1, leaseFor: 60, now: h.clock.now()).first)
        #expect(third.job.attemptErrors.map(\.kind) == [.failed, .failed, .retried])
        let retry = try #require(third.job.attemptErrors.last)
        #expect(retry.attempt == 2 && abs(retry.at.timeIntervalSince(retriedAt)) < 0.001 && retry.startedAt == nil)
        #expect(try await h.store.complete(third.lease, summary: [:], now: h.clock.now()))
        #expect(try await h.store.job(job.id)?.attemptErrors.map(\.attempt) == [1, 2, 2])
    }

    @Test("retrying a job a cancel ended records the cancelled attempt, then the retry", arguments: StoreKind.allCases)
    func retryAfterCancel(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running(JobFactory.newJob(maxAttempts: 3), worker: Harness.worker)
        let started = h.clock.now()
        guard case .cancelRequested = try await h.store.cancel(running.job.id, now: started) else {
            Issue.record("not a cancel request")
            return
        }
        h.clock.advance(by: 4)
        #expect(try await h.store.acknowledgeCancel(running.lease, now: h.clock.now()))
        let cancelledAt = h.clock.now()
        h.clock.advance(by: 60)
        let retried = try #require(try await h.store.retry(running.job.id, now: h.clock.now()))
        #expect(retried.state == .queued && retried.attempt == 0)
        #expect(retried.attemptErrors.map(\.kind) == [.cancelled, .retried], "\(retried.attemptErrors)")
        let cancelled = retried.attemptErrors[0]
        #expect(cancelled.attempt == 1 && cancelled.message == "cancelled")
        #expect(abs(try #require(cancelled.startedAt).timeIntervalSince(started)) < 0.001 && abs(cancelled.at.timeIntervalSince(cancelledAt)) < 0.001)
        // A job cancelled before it ran has no attempt to record: only the retry.
        let queued = try await h.store.enqueue(JobFactory.newJob(), now: h.clock.now()).job
        _ = try await h.store.cancel(queued.id, now: h.clock.now())
        let again = try #require(try await h.store.retry(queued.id, now: h.clock.now()))
        #expect(again.attemptErrors.map(\.kind) == [.retried] && again.attemptErrors[0].attempt == 0)
    }

    @Test("release gives the job back without spending the attempt", arguments: StoreKind.allCases)
    func release(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        #expect(try await h.store.release(running.lease, now: h.clock.now()))
        let job = try #require(try await h.store.job(running.job.id))
        #expect(job.state == .queued && job.attempt == 0 && job.leaseOwner == nil)
        #expect(try await h.store.claim(worker: Harness.otherWorker, limit: 1, leaseFor: 60, now: h.clock.now()).first?.lease.attempt == 1)
    }

    @Test("acknowledgeCancel needs a cancel request", arguments: StoreKind.allCases)
    func acknowledgeNeedsRequest(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        #expect(try await !h.store.acknowledgeCancel(running.lease, now: h.clock.now()))
        #expect(try await h.store.job(running.job.id)?.state == .running)
    }
}
