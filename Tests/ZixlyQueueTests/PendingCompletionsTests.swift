import Foundation
import Synchronization
import Testing
import ZixlyCore

@testable import ZixlyQueue

@Suite("The claim loop's results and doorbell")
struct PendingCompletionsTests {
    static func completion(_ id: String) -> Completion {
        Completion(lease: Lease(jobID: JobID(rawValue: id), worker: WorkerID("w"), attempt: 1), summary: ["id": .string(id)])
    }

    @Test("a result waits for the loop, which resolves it; when the loop stops, waiting results are written, and later ones on their own")
    func handOff() async throws {
        let doorbell = Doorbell()
        let writtenAlone = Mutex<[JobID]>([])
        let pending = PendingCompletions(doorbell: doorbell) { batch in
            writtenAlone.withLock { $0 += batch.map(\.lease.jobID) }
            if batch.contains(Self.completion("b")) { throw StoreUnavailable(reason: "down") }
            return Set(batch.map(\.lease.jobID))
        }
        async let first = pending.submit(Self.completion("a"))
        await doorbell.wait()  // the submission rings once its result is waiting
        let taken = pending.takeAll()
        #expect(taken.map(\.completion) == [Self.completion("a")])
        #expect(pending.takeAll().isEmpty, "taken once")
        taken.resolve(.success([]))
        #expect(try await first == false, "its lease did not hold")

        async let second = pending.submit(Self.completion("b"))
        await doorbell.wait()
        await pending.stopTaking()
        #expect(writtenAlone.withLock { $0 } == [JobID(rawValue: "b")], "waiting when the loop stopped: written then")
        #expect(pending.takeAll().isEmpty)
        let secondResult: Result<Bool, any Error>
        do { secondResult = .success(try await second) } catch { secondResult = .failure(error) }
        #expect(throws: StoreUnavailable.self) { try secondResult.get() }

        #expect(try await pending.submit(Self.completion("c")))
        #expect(writtenAlone.withLock { $0 } == [JobID(rawValue: "b"), JobID(rawValue: "c")])
        #expect(pending.takeAll().isEmpty)
    }

    @Test("rings while the loop is busy are kept for its next wait, as one")
    func doorbellKeepsOneRing() async throws {
        let doorbell = Doorbell()
        doorbell.ring()
        doorbell.ring()
        await doorbell.wait()  // returns at once
        let woken = Latch()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await doorbell.wait()
                woken.trigger()
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(!woken.isTriggered, "the two rings were one")
            doorbell.ring()
            try await group.waitForAll()
        }
        #expect(woken.isTriggered)
    }
}
