import Foundation

/// The right to write to one attempt of one job. Every worker write is conditional on the job
/// still being `running` with this owner and attempt, so a worker whose job was rescued and
/// re-run can never overwrite the new attempt.
public struct Lease: Sendable, Hashable {
    public var jobID: JobID
    public var worker: WorkerID
    public var attempt: Int
    public init(jobID: JobID, worker: WorkerID, attempt: Int) {
        self.jobID = jobID
        self.worker = worker
        self.attempt = attempt
    }
}

/// A job a worker has just claimed, with the lease to write under.
public struct ClaimedJob: Sendable, Equatable {
    public var job: Job
    public var lease: Lease
    public init(job: Job, lease: Lease) {
        self.job = job
        self.lease = lease
    }
}

extension [Job] {
    /// Claimed rows as leases of `worker`, in claim order: priority, then run_at, then age (an
    /// UPDATE returns its rows in no particular order).
    public func leased(to worker: WorkerID) -> [ClaimedJob] {
        map { ClaimedJob(job: $0, lease: Lease(jobID: $0.id, worker: worker, attempt: $0.attempt)) }
            .sorted { ($0.job.priority, $0.job.runAt, $0.job.createdAt) < ($1.job.priority, $1.job.runAt, $1.job.createdAt) }
    }
}

/// Why an attempt failed.
public struct JobFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// False for errors a retry cannot fix (bad parameters): the job fails at once.
    public var isRetryable: Bool
    public init(message: String, isRetryable: Bool = true) {
        self.message = message
        self.isRetryable = isRetryable
    }
    public var description: String { message }
}

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

/// Which jobs a listing shows.
public struct JobFilter: Sendable, Equatable {
    public var state: JobState?
    public var jobType: String?
    public var tenant: String?
    public init(state: JobState? = nil, jobType: String? = nil, tenant: String? = nil) {
        self.state = state
        self.jobType = jobType
        self.tenant = tenant
    }
}

public struct PageRequest: Sendable, Equatable {
    public var limit: Int
    public var offset: Int
    public init(limit: Int = 20, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var request: PageRequest
    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }
    public var hasMore: Bool { request.offset + items.count < total }
}
