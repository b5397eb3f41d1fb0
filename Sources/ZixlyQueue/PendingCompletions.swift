import Foundation
import Synchronization
import ZixlyCore

/// Results of finished jobs on their way to the database. A worker pool's claim loop takes the
/// waiting ones and writes them with its next claim (`JobStore.completeAndClaim`: one statement,
/// one commit), so jobs that end while a claim is out share the next one, as pgqueuer's batched
/// acknowledgements do. Once the loop has stopped (shutdown), a result is written on its own.
final class PendingCompletions: Sendable {
    /// One result and the job waiting for it to be written.
    struct Waiting: Sendable {
        let completion: Completion
        fileprivate let reply: CheckedContinuation<Result<Bool, any Error>?, Never>

        /// Wakes the job: true if its lease held and the result was written.
        func resolve(_ result: Result<Bool, any Error>) { reply.resume(returning: result) }
    }

    private struct State {
        var waiting: [Waiting] = []
        var loopStopped = false
    }
    private let state = Mutex(State())
    /// Rung at each new result, to wake the claim loop.
    private let doorbell: Doorbell
    /// Writes results when no loop will (once it stopped); returns the ids whose lease held.
    private let writeAlone: @Sendable ([Completion]) async throws -> Set<JobID>

    init(doorbell: Doorbell, writeAlone: @escaping @Sendable ([Completion]) async throws -> Set<JobID>) {
        self.doorbell = doorbell
        self.writeAlone = writeAlone
    }

    /// Waits until the result is written; true if the job's lease held.
    func submit(_ completion: Completion) async throws -> Bool {
        let written = await withCheckedContinuation { (reply: CheckedContinuation<Result<Bool, any Error>?, Never>) in
            let queued = state.withLock { state -> Bool in
                guard !state.loopStopped else { return false }
                state.waiting.append(Waiting(completion: completion, reply: reply))
                return true
            }
            if queued { doorbell.ring() } else { reply.resume(returning: nil) }
        }
        if let written { return try written.get() }
        return try await writeAlone([completion]).contains(completion.lease.jobID)
    }

    /// Every waiting result, now the caller's to write and resolve.
    func takeAll() -> [Waiting] {
        state.withLock { state in
            defer { state.waiting.removeAll(keepingCapacity: true) }
            return state.waiting
        }
    }

    /// The loop stops taking results: those still waiting are written now, together, and later
    /// ones each on their own.
    func stopTaking() async {
        let waiting = state.withLock { state in
            state.loopStopped = true
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        guard !waiting.isEmpty else { return }
        do {
            waiting.resolve(.success(try await writeAlone(waiting.map(\.completion))))
        } catch {
            waiting.resolve(.failure(error))
        }
    }
}

extension [PendingCompletions.Waiting] {
    /// Resolves each result from the ids whose lease held, or with the write's error.
    func resolve(_ written: Result<Set<JobID>, any Error>) {
        for waiting in self { waiting.resolve(written.map { $0.contains(waiting.completion.lease.jobID) }) }
    }
}
