import Dispatch

/// CPU-bound work (a sweep, parsing and hashing a large file) run on one of Dispatch's threads:
/// on the caller's thread it would hold an event loop, or one of Swift's few cooperative threads,
/// for its whole length, and heartbeats and HTTP with it.
public enum DispatchWork {
    /// Runs `work` on a Dispatch thread and waits for its value or its error.
    public static func run<Value: Sendable, Failure: Error>(_ work: @escaping @Sendable () throws(Failure) -> Value) async throws(Failure)
        -> Value
    {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, Failure>, Never>) in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(Failure) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
