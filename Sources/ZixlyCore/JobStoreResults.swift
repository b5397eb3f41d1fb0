import Foundation

public enum EnqueueResult: Sendable, Equatable {
    case created(Job)
    /// The (tenant, idempotency key) was seen before: this is the job it made.
    case duplicate(Job)

    public var job: Job {
        switch self {
        case .created(let job), .duplicate(let job): job
        }
    }
}

public enum HeartbeatResult: Sendable, Equatable {
    case renewed(cancelRequested: Bool)
    /// The job is no longer ours (rescued, or finished by someone else): stop working on it.
    case leaseLost
}

public enum CancelResult: Sendable, Equatable {
    /// It was queued: now cancelled.
    case cancelled(Job)
    /// It is running: its worker will stop at the next heartbeat or checkpoint.
    case cancelRequested(Job)
    /// Already final: nothing changed.
    case alreadyFinal(Job)
    case notFound
}

/// What one rescuer pass did.
public struct RescueReport: Sendable, Equatable {
    public var requeued: [JobID]
    public var failed: [JobID]
    public init(requeued: [JobID] = [], failed: [JobID] = []) {
        self.requeued = requeued
        self.failed = failed
    }
    public var isEmpty: Bool { requeued.isEmpty && failed.isEmpty }
    public var count: Int { requeued.count + failed.count }
}
