public import Foundation
public import ZixlyCore

/// A failed attempt to record under its lease: queued again at `retryAt`, or failed for good
/// (dead-lettered) when `retryAt` is nil. A worker's failures and the rescuer's expired leases
/// are written by the same statement (``JobStore/fail(_:now:)``).
public struct AttemptFailure: Sendable, Equatable {
    public var lease: Lease
    public var message: String
    public var retryAt: Date?

    public init(lease: Lease, message: String, retryAt: Date?) {
        self.lease = lease
        self.message = message
        self.retryAt = retryAt
    }
}

/// A running job whose lease ran out, as the rescuer reads it.
public struct ExpiredLease: Sendable, Equatable {
    public var lease: Lease
    public var maxAttempts: Int

    public init(lease: Lease, maxAttempts: Int) {
        self.lease = lease
        self.maxAttempts = maxAttempts
    }

    /// Its failure: queued again by `retryPolicy` while attempts remain, failed otherwise.
    public func failure(retryPolicy: RetryPolicy, now: Date) -> AttemptFailure {
        let attempt = lease.attempt
        if let retryAt = retryPolicy.retryAt(afterAttempt: attempt, maxAttempts: maxAttempts, now: now) {
            return AttemptFailure(lease: lease, message: "lease expired: the worker stopped renewing it (attempt \(attempt))", retryAt: retryAt)
        }
        return AttemptFailure(lease: lease, message: "lease expired on the last attempt (\(attempt) of \(maxAttempts))", retryAt: nil)
    }
}

extension RescueReport {
    /// What rescuing `failures` did, given the ids whose lease still held when written.
    public init(_ failures: [AttemptFailure], held: Set<JobID>) {
        self.init()
        for failure in failures where held.contains(failure.lease.jobID) {
            if failure.retryAt == nil { self.failed.append(failure.lease.jobID) } else { self.requeued.append(failure.lease.jobID) }
        }
    }
}
