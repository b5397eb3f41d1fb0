import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
public import Tracing
public import ZixlyCore

/// Claims jobs and runs them, `concurrency` at a time, each under a lease kept alive by a
/// heartbeat. On graceful shutdown it stops claiming, lets running jobs finish for up to
/// `gracePeriod`, then stops them and releases their leases so another worker can take them.
public struct WorkerPool: Service {
    public struct Configuration: Sendable {
        /// The queue whose jobs this pool claims. Default `NewJob.defaultQueue`.
        public var queue = NewJob.defaultQueue
        /// Jobs run at once. Default 2 (`ZIXLY_WORKER_CONCURRENCY`).
        public var concurrency = 2
        /// Whether this pool's slots and running jobs are the process's `pipeline_worker_slots`
        /// and `pipeline_worker_active_jobs` (true for the sweep pool; the webhook pool's slots
        /// wait on the network, and counting them would hide a saturated worker). Default true.
        public var reportsLoad = true
        /// Lease length; renewed every third of it. Default 60 s.
        public var leaseDuration: Duration = .seconds(60)
        /// How often an idle slot looks for work when nothing wakes it. Default 1 s.
        public var pollInterval: Duration = .seconds(1)
        /// How often progress is written (and cancel requests are seen). Default 1 s.
        public var progressInterval: Duration = .seconds(1)
        /// How long running jobs may finish after shutdown starts (seen at a job's next heartbeat
        /// tick, so up to `progressInterval` more). Default 25 s.
        public var gracePeriod: Duration = .seconds(25)
        public init() {}
    }

    /// What happened to a job, for tests and metrics.
    public enum Event: Sendable, Equatable {
        case claimed(JobID, attempt: Int)
        case completed(JobID)
        case failed(JobID, willRetry: Bool)
        /// Failed for good at once: its handler said a retry cannot fix it (`JobFailure` with
        /// `isRetryable` false: its parameters or data, or a receiver that refused it).
        case rejected(JobID)
        case cancelled(JobID)
        case released(JobID)
        case leaseLost(JobID)
    }

    let store: any JobStore
    let handlers: [String: any JobHandler]
    let retryPolicy: RetryPolicy
    let configuration: Configuration
    let clock: any WallClock
    let worker: WorkerID
    /// Notify it to make idle slots look for work now.
    public let wakeups: WorkSignal
    let logger: Logger
    let onEvent: @Sendable (Event) -> Void
    /// Results of finished jobs, written by the claim loop with its next claim.
    let completions: PendingCompletions
    /// Wakes the claim loop: a result waits to be written, a job's outcome was recorded, a
    /// wake-up or a poll tick came, or shutdown began.
    let doorbell = Doorbell()
    let metrics: QueueMetrics
    let tracer: any Tracer
    /// Paces every running job's heartbeat (`progressInterval`).
    let heartbeats: Ticker

    public init(
        store: any JobStore, handlers: [any JobHandler], retryPolicy: RetryPolicy = .default,
        configuration: Configuration = .init(), clock: any WallClock = SystemWallClock(),
        worker: WorkerID, wakeups: WorkSignal = WorkSignal(), logger: Logger, metrics: QueueMetrics = .disabled,
        tracer: any Tracer = NoOpTracer(), onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) {
        self.store = store
        self.handlers = Dictionary(handlers.map { ($0.jobType, $0) }, uniquingKeysWith: { _, last in last })
        self.retryPolicy = retryPolicy
        self.configuration = configuration
        self.clock = clock
        self.worker = worker
        self.wakeups = wakeups
        self.logger = logger
        self.onEvent = onEvent
        self.metrics = metrics
        self.tracer = tracer
        completions = PendingCompletions(doorbell: doorbell) { [store, clock] batch in
            try await store.complete(batch, now: clock.now())
        }
        heartbeats = Ticker(every: configuration.progressInterval)
    }

    public func run() async throws {
        let shutdown = Latch()
        try await withGracefulShutdownHandler {
            try await run(until: shutdown)
        } onGracefulShutdown: {
            shutdown.trigger()
            doorbell.ring()
        }
    }

    /// Runs until `shutdown` is triggered and every running job has finished or been released.
    /// One loop claims as many jobs as there are free slots in one statement (a single round
    /// trip for a burst, as pgqueuer's batches do) and starts each beside the others. The same
    /// statement writes the results of the jobs that ended since the last one (ADR 0018): a
    /// slot's result and its next job cost one round trip and one commit, not two.
    public func run(until shutdown: Latch) async throws {
        logger.info(
            "worker started",
            metadata: [
                "worker": "\(worker)", "queue": "\(configuration.queue)", "concurrency": "\(configuration.concurrency)",
            ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await heartbeats.run() }
            group.addTask { await ringAtWakeupsAndPolls() }
            await claimAndRun(until: shutdown)
            group.cancelAll()
        }
        logger.info("worker stopped", metadata: ["worker": "\(worker)"])
    }

    private func claimAndRun(until shutdown: Latch) async {
        let slots = max(1, configuration.concurrency)
        let slotsInUse = SlotCount()
        metrics.prepareWorker(jobTypes: handlers.keys)
        let load = configuration.reportsLoad ? metrics : metrics.withoutLoad
        load.workerLoad(active: 0, slots: slots)
        await withDiscardingTaskGroup { group in
            var queueLooksEmpty = false
            while !shutdown.isTriggered && !Task.isCancelled {
                let finished = completions.takeAll()
                let free = slotsInUse.free(of: slots)
                if finished.isEmpty {
                    guard free > 0 else {
                        await doorbell.wait()  // a job ends (shutdown included: jobs end within the grace period)
                        continue
                    }
                    if queueLooksEmpty {
                        await doorbell.wait()  // a wake-up, a poll, a result to write or a slot free again
                        queueLooksEmpty = false
                        continue
                    }
                }
                let claimed: [ClaimedJob]
                let claimStarted = DefaultTracerClock.now
                do {
                    let written = try await store.completeAndClaim(
                        finished.map(\.completion), queue: configuration.queue, worker: worker, limit: free,
                        leaseFor: configuration.leaseDuration.inSeconds, now: clock.now())
                    finished.resolve(.success(written.held))
                    claimed = written.claimed
                } catch {
                    finished.resolve(.failure(error))
                    logger.error("claim failed", metadata: ["error": "\(error)"])
                    await doorbell.wait()
                    continue
                }
                queueLooksEmpty = free > 0 && claimed.isEmpty
                let now = clock.now()
                let claim = ClaimTiming(started: claimStarted, ended: DefaultTracerClock.now)
                for job in claimed {
                    slotsInUse.started()
                    onEvent(.claimed(job.job.id, attempt: job.lease.attempt))
                    metrics.claimed(job.job, now: now)
                    group.addTask {
                        await execute(job, claim: claim, shutdown: shutdown) {
                            slotsInUse.handlerReturned()
                            load.workerLoad(active: slotsInUse.running, slots: slots)
                        }
                        slotsInUse.recorded()
                        doorbell.ring()
                    }
                }
                load.workerLoad(active: slotsInUse.running, slots: slots)
            }
            // Jobs still running record their results on their own from now on.
            await completions.stopTaking()
        }
    }

    /// Rings the claim loop's doorbell at every wake-up (`wakeups`: a NOTIFY, an in-process
    /// enqueue, shutdown) and every `pollInterval`. One timer serves the pool: a timed wait per
    /// empty claim armed a Dispatch timer each time, a cost `perf` showed in a busy drain.
    private func ringAtWakeupsAndPolls() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    await wakeups.waitForNotify()
                    doorbell.ring()
                }
            }
            group.addTask {
                while (try? await Task.sleep(for: configuration.pollInterval)) != nil { doorbell.ring() }
            }
        }
    }
}

/// A pool's slots: jobs whose handler runs, and jobs whose outcome is still being written.
/// Up to `slots` handlers run at once; up to `slots` more jobs may be waiting for their outcome
/// to commit, so a slow database holds claims back rather than piling up finished jobs.
final class SlotCount: Sendable {
    private struct Counts {
        var running = 0
        var recording = 0
    }
    private let counts = Mutex(Counts())

    var running: Int { counts.withLock { $0.running } }

    /// How many jobs may be claimed now.
    func free(of slots: Int) -> Int {
        counts.withLock { min(slots - $0.running, 2 * slots - $0.running - $0.recording) }
    }

    func started() { counts.withLock { $0.running += 1 } }

    func handlerReturned() {
        counts.withLock {
            $0.running -= 1
            $0.recording += 1
        }
    }

    func recorded() { counts.withLock { $0.recording -= 1 } }
}
