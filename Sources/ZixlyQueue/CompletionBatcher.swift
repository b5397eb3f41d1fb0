import Foundation
import Synchronization
import ZixlyCore

/// Writes the results of jobs that end together in one transaction: while one batch is being
/// written, the next ones gather, so under load many jobs share a commit (pgqueuer's batched
/// acknowledgements) and an idle pool pays no added wait.
final class CompletionBatcher: Sendable {
    private struct Pending: Sendable {
        var completion: Completion
        var reply: CheckedContinuation<Result<Bool, any Error>, Never>
    }
    private struct State {
        var pending: [Pending] = []
        var writing = false
    }
    private let state = Mutex(State())
    let store: any JobStore
    let clock: any WallClock

    init(store: any JobStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// True if the lease held and the job is now completed (as `JobStore.complete`).
    func complete(_ lease: Lease, summary: JSONValue) async throws -> Bool {
        let result = await withCheckedContinuation { (reply: CheckedContinuation<Result<Bool, any Error>, Never>) in
            let startWriter = state.withLock { state -> Bool in
                state.pending.append(Pending(completion: Completion(lease: lease, summary: summary), reply: reply))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if startWriter { Task { await writeUntilDrained() } }
        }
        return try result.get()
    }

    private func writeUntilDrained() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let held = try await store.complete(batch.map(\.completion), now: clock.now())
                for item in batch { item.reply.resume(returning: .success(held.contains(item.completion.lease.jobID))) }
            } catch {
                for item in batch { item.reply.resume(returning: .failure(error)) }
            }
        }
    }
}
