import Foundation
import Synchronization

/// Writes items submitted at about the same time together, in one call of `write` (one
/// transaction, one commit): while one batch is being written the next gathers, so under load
/// many items share a commit (pgqueuer's batched acknowledgements, PostgreSQL's group commit)
/// and a lone item pays no added wait.
///
/// `write` returns one output per item, in the items' order. If it throws, every item of that
/// batch gets the error.
public final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    private struct Pending: Sendable {
        var item: Item
        var reply: CheckedContinuation<Result<Output, any Error>, Never>
    }
    private struct State {
        var pending: [Pending] = []
        var writing = false
    }
    private let state = Mutex(State())
    private let write: @Sendable ([Item]) async throws -> [Output]

    public init(write: @escaping @Sendable ([Item]) async throws -> [Output]) {
        self.write = write
    }

    /// Waits until `item` is written with its batch; returns its output.
    public func submit(_ item: Item) async throws -> Output {
        let result = await withCheckedContinuation { (reply: CheckedContinuation<Result<Output, any Error>, Never>) in
            let startWriter = state.withLock { state -> Bool in
                state.pending.append(Pending(item: item, reply: reply))
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
                let outputs = try await write(batch.map(\.item))
                guard outputs.count == batch.count else {
                    throw GroupCommitMismatch(items: batch.count, outputs: outputs.count)
                }
                for (pending, output) in zip(batch, outputs) { pending.reply.resume(returning: .success(output)) }
            } catch {
                for pending in batch { pending.reply.resume(returning: .failure(error)) }
            }
        }
    }
}

/// A batch's `write` returned a different number of outputs than it was given items (a bug).
public struct GroupCommitMismatch: Error, CustomStringConvertible {
    public var items: Int
    public var outputs: Int
    public var description: String { "a group commit of \(items) items returned \(outputs) outputs" }
}
