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
