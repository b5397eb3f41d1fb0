import Foundation
public import Logging
public import ServiceLifecycle
public import ZixlyCore

/// Reads the queue's state from the store at an interval and publishes it as gauges (jobs per
/// status, oldest queued age, jobs past their lease, whether the database answers). Every
/// process runs one, so each replica's /metrics says the same and a scrape never queries the
/// database.
public struct QueueGauges: Service {
    let store: any JobStore
    let metrics: QueueMetrics
    let interval: Duration
    let clock: any WallClock
    let logger: Logger

    public init(
        store: any JobStore, metrics: QueueMetrics, interval: Duration = .seconds(5), clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        self.store = store
        self.metrics = metrics
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// One reading. Returns what it published, or nil (and `zixly_database_up 0`) when the store failed.
    @discardableResult
    public func refresh() async -> QueueSnapshot? {
        let now = clock.now()
        do {
            let snapshot = QueueSnapshot(
                counts: try await store.countByState(),
                oldestQueuedAge: try await store.oldestQueuedAge(now: now) ?? 0,
                pastLease: try await store.expiredLeaseCount(now: now))
            metrics.storeSnapshot(snapshot)
            return snapshot
        } catch {
            logger.warning("queue gauges not refreshed", metadata: ["error": "\(error)"])
            metrics.storeUnreachable()
            return nil
        }
    }

    public func run() async throws {
        try await PeriodicService("queue gauges", every: interval, logger: logger) { await refresh() }.run()
    }
}
