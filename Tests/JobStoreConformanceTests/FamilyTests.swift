import Foundation
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("JobStore: parents and children")
struct FamilyTests {
    static func children(_ labels: [String]) -> [LabelledJob] {
        labels.map { LabelledJob(label: $0, job: JobFactory.newJob(parameters: ["ticker": .string($0)])) }
    }

    @Test("children are queued under unique labels; a parent that runs again adds only what is missing", arguments: StoreKind.allCases)
    func enqueueOnce(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let parent = try await h.factory.running()
        #expect(try await h.store.enqueueChildren(Self.children(["MSFT", "AAPL"]), of: parent.job.id, now: h.clock.now()) == 2)
        #expect(try await h.store.enqueueChildren(Self.children(["AAPL", "GOOG", "MSFT"]), of: parent.job.id, now: h.clock.now()) == 1)
        let children = try await h.store.children(of: parent.job.id)
        #expect(children.map(\.label) == ["AAPL", "GOOG", "MSFT"])
        #expect(children.allSatisfy { $0.state == .queued })
        let stored = try #require(try await h.store.job(children[0].id))
        #expect(stored.parameters["ticker"] == "AAPL" && stored.state == .queued)
        #expect(try await h.store.children(of: children[0].id).isEmpty)
        let claimed = try await h.store.claim(worker: Harness.worker, limit: 10, leaseFor: 60, now: h.clock.now())
        #expect(Set(claimed.map(\.job.id)) == Set(children.map(\.id)))
        #expect(try await h.store.children(of: parent.job.id).allSatisfy { $0.state == .running })
    }

    @Test("a top-level listing leaves children out, with their count; other filters still apply", arguments: StoreKind.allCases)
    func topLevelListing(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let parent = try await h.factory.running()
        _ = try await h.store.enqueueChildren(Self.children(["A", "B", "C"]), of: parent.job.id, now: h.clock.now())
        let loner = try await h.factory.queued()
        let everything = try await h.store.jobs(matching: JobFilter(), page: PageRequest(limit: 10))
        #expect(everything.total == 5 && everything.items.count == 5)
        let topLevel = try await h.store.jobs(matching: JobFilter(topLevelOnly: true), page: PageRequest(limit: 10))
        #expect(topLevel.total == 2 && Set(topLevel.items.map(\.id)) == [parent.job.id, loner.id])
        let queuedTopLevel = try await h.store.jobs(matching: JobFilter(state: .queued, topLevelOnly: true), page: PageRequest(limit: 10))
        #expect(queuedTopLevel.total == 1 && queuedTopLevel.items.map(\.id) == [loner.id])
    }

    @Test("cancelling a parent cancels its queued children and asks its running ones to stop", arguments: StoreKind.allCases)
    func cancelCascades(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let other = try await h.factory.running()
        let parent = try await h.factory.queued(JobFactory.newJob(runAt: h.clock.now().addingTimeInterval(100)))
        _ = try await h.store.enqueueChildren(Self.children(["A", "B"]), of: parent.id, now: h.clock.now())
        h.clock.advance(by: 1)
        _ = try await h.store.enqueueChildren(Self.children(["C"]), of: other.job.id, now: h.clock.now())
        let running = try #require(try await h.store.claim(worker: Harness.worker, limit: 1, leaseFor: 60, now: h.clock.now()).first)
        h.clock.advance(by: 1)
        guard case .cancelled = try await h.store.cancel(parent.id, now: h.clock.now()) else {
            Issue.record("the queued parent should cancel at once")
            return
        }
        let states = Dictionary(uniqueKeysWithValues: try await h.store.children(of: parent.id).map { ($0.id, $0.state) })
        #expect(states[running.job.id] == .running)
        #expect(try await h.store.job(running.job.id)?.cancelRequested == true)
        #expect(states.values.filter { $0 == .cancelled }.count == 1)
        #expect(try await h.store.children(of: other.job.id).map(\.state) == [.queued], "another parent's children are untouched")
    }

    @Test("release snoozes to a later time; a cancel requested meanwhile cancels instead", arguments: StoreKind.allCases)
    func snooze(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let running = try await h.factory.running()
        let later = h.clock.now().addingTimeInterval(5)
        #expect(try await h.store.release(running.lease, runAt: later, now: h.clock.now()))
        #expect(try await h.store.claim(worker: Harness.worker, limit: 1, leaseFor: 60, now: h.clock.now()).isEmpty)
        h.clock.advance(by: 5)
        let again = try #require(try await h.store.claim(worker: Harness.worker, limit: 1, leaseFor: 60, now: h.clock.now()).first)
        #expect(again.lease.attempt == 1)
        _ = try await h.store.cancel(again.job.id, now: h.clock.now())
        #expect(try await h.store.release(again.lease, runAt: h.clock.now().addingTimeInterval(5), now: h.clock.now()))
        let job = try #require(try await h.store.job(again.job.id))
        #expect(job.state == .cancelled && job.finishedAt == h.clock.now())
    }

    @Test("pruning a parent leaves its finished children, and pruning a child unlinks it", arguments: StoreKind.allCases)
    func prune(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let parent = try await h.factory.running()
        _ = try await h.store.enqueueChildren(Self.children(["A"]), of: parent.job.id, now: h.clock.now())
        let child = try #require(try await h.store.claim(worker: Harness.worker, limit: 1, leaseFor: 60, now: h.clock.now()).first)
        #expect(try await h.store.complete(child.lease, summary: [:], now: h.clock.now()))
        h.clock.advance(by: 10)
        #expect(try await h.store.pruneFinished(before: h.clock.now(), limit: 10) == 1)
        #expect(try await h.store.children(of: parent.job.id).isEmpty)
        #expect(try await h.store.complete(parent.lease, summary: [:], now: h.clock.now()))
    }
}
