public import Foundation
public import ZixlyCore

/// The durable queue: one table whose rows are both the job record and the queue entry.
/// Every method is one transaction; no transaction escapes to callers. `now` is the instant the
/// caller's clock reads (queue logic takes it from an injected `WallClock`).
///
/// Conformance is proven by `Tests/JobStoreConformanceTests`, which every backend must pass
/// unchanged.
///
/// ## Topics
/// - Producing: ``enqueue(_:now:)``
/// - Working (fenced by ``Lease``): ``completeAndClaim(_:queue:worker:limit:leaseFor:now:)`` (with ``claim(queue:worker:limit:leaseFor:now:)``,
///   ``complete(_:now:)`` and ``complete(_:summary:now:)`` over it), ``heartbeat(_:progress:leaseFor:now:)``,
///   ``fail(_:now:)`` (with ``fail(_:failure:retryAt:now:)`` over it), ``acknowledgeCancel(_:now:)``, ``release(_:runAt:now:)``
/// - Families: ``enqueueChildren(_:of:now:)``, ``children(of:)``
/// - Users: ``cancel(_:now:)``, ``retry(_:now:)``, ``job(_:)``, ``jobs(matching:page:)``
/// - Maintenance: ``rescueExpired(limit:retryPolicy:now:)``, ``pruneFinished(before:limit:)``, ``countByState()``
public protocol JobStore: Sendable {
    /// Inserts a queued job (`runAt` defaults to `now`). The same (tenant, idempotency key) again
    /// returns `.duplicate(existing)` and inserts nothing, even under concurrent calls.
    func enqueue(_ job: NewJob, now: Date) async throws -> EnqueueResult

    /// Extends the lease to `now + leaseFor` and stores `progress` (if given).
    /// `.renewed(cancelRequested:)` while the lease holds, `.leaseLost` otherwise (nothing written).
    func heartbeat(_ lease: Lease, progress: JobProgress?, leaseFor: TimeInterval, now: Date) async throws -> HeartbeatResult

    /// The hot path, in one transaction (one round trip, one commit):
    /// 1. completes each of `completions` whose lease still holds: running → completed with its
    ///    summary, progress 100, `finishedAt = now`;
    /// 2. moves up to `limit` queued jobs of `queue` with `runAt ≤ now` to running, by priority,
    ///    then runAt, then creation; `attempt += 1`, `leaseOwner = worker`,
    ///    `leaseExpiresAt = now + leaseFor`, `startedAt = now`.
    /// No job is handed to two holders of a live lease, and a job completed here is never among
    /// those claimed. Returns the completions whose lease held and the jobs claimed, in claim order.
    func completeAndClaim(
        _ completions: [Completion], queue: String, worker: WorkerID, limit: Int, leaseFor: TimeInterval, now: Date
    ) async throws -> CompletedAndClaimed

    /// Records each failed attempt whose lease still holds, in one transaction: `retryAt != nil` →
    /// queued at `retryAt` (lease cleared); nil → failed (dead-lettered, `finishedAt = now`).
    /// The attempt joins the job's `attemptErrors`. Returns the ids whose lease held.
    func fail(_ failures: [AttemptFailure], now: Date) async throws -> Set<JobID>

    /// running with a cancel request → cancelled, `finishedAt = now`. Fenced like `complete`.
    func acknowledgeCancel(_ lease: Lease, now: Date) async throws -> Bool

    /// Gives a job back without spending the attempt (at shutdown, or snoozed by its handler):
    /// running → queued at `runAt`, `attempt -= 1`, lease cleared; a job with a cancel request is
    /// cancelled instead (`finishedAt = now`), since claiming clears the request. Fenced like `complete`.
    func release(_ lease: Lease, runAt: Date, now: Date) async throws -> Bool

    /// Inserts queued jobs as children of `parent`, each under a label unique within the parent
    /// (a ticker); a label the parent already has is skipped, so a parent that runs again adds
    /// only what is missing. One transaction. Returns how many were inserted.
    func enqueueChildren(_ children: [LabelledJob], of parent: JobID, now: Date) async throws -> Int

    /// The parent's children, by label.
    func children(of parent: JobID) async throws -> [ChildJob]

    /// queued → cancelled now; running → cancel requested (seen at the next heartbeat);
    /// final → unchanged (`.alreadyFinal`); unknown id → `.notFound`. Cancelling a queued or
    /// running job does the same to each of its children that is queued or running.
    func cancel(_ id: JobID, now: Date) async throws -> CancelResult

    /// failed | cancelled → queued at `now` with attempts reset to 0 (the last error message stays
    /// until the job next finishes); the history gains the attempt a cancel ended, if one ran
    /// (`cancelled`), and the retry itself (`retried`, with the last attempt's number);
    /// any other state → nil (and unknown ids → nil).
    func retry(_ id: JobID, now: Date) async throws -> Job?

    /// running with `leaseExpiresAt < now` → failed attempts (``ExpiredLease/failure(retryPolicy:now:)``),
    /// written as ``fail(_:now:)`` writes them, in the transaction that found them. At most `limit`
    /// rows; the lease is cleared so the old holder is fenced out.
    func rescueExpired(limit: Int, retryPolicy: RetryPolicy, now: Date) async throws -> RescueReport

    /// Deletes final jobs (and their results) finished before `before`, at most `limit`; returns how many.
    func pruneFinished(before: Date, limit: Int) async throws -> Int

    /// How many jobs are in each state (absent states are 0).
    func countByState() async throws -> [JobState: Int]

    /// Age of the oldest claimable queued job at `now`, in seconds (nil when none waits).
    func oldestQueuedAge(now: Date) async throws -> TimeInterval?

    /// Running jobs whose lease ran out before `now` (stuck until a rescuer requeues them).
    func expiredLeaseCount(now: Date) async throws -> Int

    func job(_ id: JobID) async throws -> Job?

    /// Newest first.
    func jobs(matching filter: JobFilter, page: PageRequest) async throws -> Page<Job>

    /// True when the store answers and its schema is at the newest migration.
    func isReady() async -> Bool
}

extension JobStore {
    /// Claims up to `limit` jobs of `queue` (``completeAndClaim(_:queue:worker:limit:leaseFor:now:)`` with nothing to complete).
    public func claim(
        queue: String = NewJob.defaultQueue, worker: WorkerID, limit: Int, leaseFor: TimeInterval, now: Date
    ) async throws -> [ClaimedJob] {
        try await completeAndClaim([], queue: queue, worker: worker, limit: limit, leaseFor: leaseFor, now: now).claimed
    }

    /// Completes each job whose lease holds, in one transaction (``completeAndClaim(_:queue:worker:limit:leaseFor:now:)``
    /// claiming nothing); returns the ids whose lease held.
    public func complete(_ completions: [Completion], now: Date) async throws -> Set<JobID> {
        guard !completions.isEmpty else { return [] }
        return try await completeAndClaim(
            completions, queue: NewJob.defaultQueue, worker: WorkerID("none"), limit: 0, leaseFor: 0, now: now
        ).held
    }

    /// Records one failed attempt if its lease holds (``fail(_:now:)``); false and no change otherwise.
    public func fail(_ lease: Lease, failure: JobFailure, retryAt: Date?, now: Date) async throws -> Bool {
        try await fail([AttemptFailure(lease: lease, message: failure.message, retryAt: retryAt)], now: now).contains(lease.jobID)
    }

    /// Gives a job back at `now` (``release(_:runAt:now:)``): at shutdown, for another worker.
    public func release(_ lease: Lease, now: Date) async throws -> Bool {
        try await release(lease, runAt: now, now: now)
    }

    /// Completes one job if its lease holds; false and no change otherwise.
    public func complete(_ lease: Lease, summary: JSONValue, now: Date) async throws -> Bool {
        try await complete([Completion(lease: lease, summary: summary)], now: now).contains(lease.jobID)
    }
}

/// A job's result, to be written under its lease.
public struct Completion: Sendable, Equatable {
    public var lease: Lease
    public var summary: JSONValue
    public init(lease: Lease, summary: JSONValue) {
        self.lease = lease
        self.summary = summary
    }
}

/// What ``JobStore/completeAndClaim(_:queue:worker:limit:leaseFor:now:)`` did: the completions whose
/// lease held, and the jobs now leased to the worker, in claim order.
public struct CompletedAndClaimed: Sendable {
    public var held: Set<JobID>
    public var claimed: [ClaimedJob]
    public init(held: Set<JobID>, claimed: [ClaimedJob]) {
        self.held = held
        self.claimed = claimed
    }
}

/// A job to insert as a child, under its label within the parent.
public struct LabelledJob: Sendable, Equatable {
    public var label: String
    public var job: NewJob
    public init(label: String, job: NewJob) {
        self.label = label
        self.job = job
    }
}

/// One child of a parent job: its label, id and state.
public struct ChildJob: Sendable, Equatable {
    public var label: String
    public var id: JobID
    public var state: JobState
    public init(label: String, id: JobID, state: JobState) {
        (self.label, self.id, self.state) = (label, id, state)
    }
}
