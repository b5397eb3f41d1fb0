public import Foundation
public import ZixlyCore
public import ZixlyQueue

/// Puts jobs into a given state through the store's own API (no backdoor), River-testfactory style.
public struct JobFactory: Sendable {
    public let store: any JobStore
    public let clock: ManualClock

    public init(store: any JobStore, clock: ManualClock) {
        self.store = store
        self.clock = clock
    }

    public static func newJob(
        type: String = "test", parameters: JSONValue = ["n": 1], priority: Int = 0, maxAttempts: Int = 3,
        idempotencyKey: String? = nil, runAt: Date? = nil, tenant: String = NewJob.defaultTenant
    ) -> NewJob {
        NewJob(
            tenant: tenant, jobType: type, parameters: parameters, priority: priority, maxAttempts: maxAttempts,
            runAt: runAt, idempotencyKey: idempotencyKey)
    }

    @discardableResult
    public func queued(_ job: NewJob = JobFactory.newJob()) async throws -> Job {
        try await store.enqueue(job, now: clock.now()).job
    }

    /// A job claimed by `worker` with a lease of `leaseFor` seconds from now. It must be the next
    /// claimable job: make running jobs before queuing others.
    public func running(
        _ job: NewJob = JobFactory.newJob(), worker: WorkerID = WorkerID("factory"), leaseFor: TimeInterval = 60
    ) async throws -> ClaimedJob {
        let queued = try await self.queued(job)
        let claimed = try await store.claim(queue: job.queue, worker: worker, limit: 1, leaseFor: leaseFor, now: clock.now())
        guard let mine = claimed.first(where: { $0.job.id == queued.id }) else {
            throw FactoryError("job \(queued.id) was not claimable")
        }
        return mine
    }
}

public struct FactoryError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
