import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("JobStore: cancel and retry")
struct CancelRetryTests {
    @Test("cancel: queued at once, running on request, final unchanged, unknown not found", arguments: StoreKind.allCases)
    func cancel(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        let queued = try await h.factory.queued()
        guard case .cancelled(let cancelled) = try await h.store.cancel(queued.id, now: h.clock.now()) else {
            Issue.record("queued job should cancel at once")
            return
        }
        #expect(cancelled.state == .cancelled && cancelled.finishedAt == h.clock.now())
        guard case .cancelRequested(let requested) = try await h.store.cancel(running.job.id, now: h.clock.now()) else {
            Issue.record("running job should get a cancel request")
            return
        }
        #expect(requested.state == .running && requested.cancelRequested)
        guard case .alreadyFinal(let final) = try await h.store.cancel(queued.id, now: h.clock.now()) else {
            Issue.record("final job should be unchanged")
            return
        }
        #expect(final == cancelled)
        #expect(try await h.store.cancel(JobID.random(), now: h.clock.now()) == .notFound)
    }

    @Test("retry requeues failed and cancelled jobs only", arguments: StoreKind.allCases)
    func retry(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let completed = try await h.factory.running()
        _ = try await h.store.complete(completed.lease, summary: [:], now: h.clock.now())
        let failing = try await h.factory.running()
        _ = try await h.store.fail(failing.lease, failure: JobFailure(message: "x"), retryAt: nil, now: h.clock.now())
        let queued = try await h.factory.queued()
        h.clock.advance(by: 5)
        let retried = try #require(try await h.store.retry(failing.job.id, now: h.clock.now()))
        #expect(retried.state == .queued && retried.attempt == 0 && retried.finishedAt == nil && retried.runAt == h.clock.now())
        #expect(try await h.store.retry(queued.id, now: h.clock.now()) == nil)
        #expect(try await h.store.retry(JobID.random(), now: h.clock.now()) == nil)
        _ = try await h.store.cancel(queued.id, now: h.clock.now())
        #expect(try await h.store.retry(queued.id, now: h.clock.now())?.state == .queued)
        #expect(try await h.store.retry(completed.job.id, now: h.clock.now()) == nil)
    }
}
