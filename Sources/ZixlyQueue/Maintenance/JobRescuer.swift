import Foundation
public import Logging
public import ServiceLifecycle
public import ZixlyCore

/// Returns jobs whose worker stopped renewing its lease to the queue (or fails them when their
/// attempts are spent), so no job stays running forever. Safe on every node: one fenced statement.
public struct JobRescuer: Service {
    public struct Configuration: Sendable {
        /// Time between passes. Default 15 s.
        public var interval: Duration = .seconds(15)
        /// Rows per statement; a pass repeats until a batch comes back smaller. Default 500.
        public var batchSize = 500
        public init() {}
    }

    let store: any JobStore
    let retryPolicy: RetryPolicy
    let configuration: Configuration
    let clock: any WallClock
    let logger: Logger
    let onRescue: @Sendable (RescueReport) -> Void

    public init(
        store: any JobStore, retryPolicy: RetryPolicy = .default, configuration: Configuration = .init(),
        clock: any WallClock = SystemWallClock(), logger: Logger, onRescue: @escaping @Sendable (RescueReport) -> Void = { _ in }
    ) {
        self.store = store
        self.retryPolicy = retryPolicy
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.onRescue = onRescue
    }

    /// One pass: rescues every expired job, batch by batch.
    @discardableResult
    public func runOnce() async throws -> RescueReport {
        var total = RescueReport()
        while true {
            let batch = try await store.rescueExpired(limit: configuration.batchSize, retryPolicy: retryPolicy, now: clock.now())
            total.requeued += batch.requeued
            total.failed += batch.failed
            if batch.count < configuration.batchSize { break }
        }
        return total
    }

    public func run() async throws {
        try await PeriodicService("rescuer", every: configuration.interval, logger: logger) {
            let report = try await runOnce()
            guard !report.isEmpty else { return }
            logger.warning(
                "rescued jobs with expired leases",
                metadata: [
                    "requeued": "\(report.requeued.map(\.rawValue))", "failed": "\(report.failed.map(\.rawValue))",
                ])
            onRescue(report)
        }.run()
    }
}
