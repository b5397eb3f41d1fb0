import Foundation
public import Logging
public import ServiceLifecycle
public import ZixlyCore

/// Deletes final jobs (and their result rows) older than the retention period.
public struct JobPruner: Service {
    public struct Configuration: Sendable {
        /// Final jobs finished longer ago than this are deleted. Default 30 days.
        public var retention: Duration = .seconds(30 * 24 * 3600)
        /// Time between passes. Default 1 h.
        public var interval: Duration = .seconds(3600)
        /// Rows per statement. Default 1000.
        public var batchSize = 1000
        public init() {}
    }

    let store: any JobStore
    let configuration: Configuration
    let clock: any WallClock
    let logger: Logger

    public init(store: any JobStore, configuration: Configuration = .init(), clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// One pass; returns how many jobs were deleted.
    @discardableResult
    public func runOnce() async throws -> Int {
        let cutoff = clock.now().addingTimeInterval(-configuration.retention.inSeconds)
        var deleted = 0
        while true {
            let batch = try await store.pruneFinished(before: cutoff, limit: configuration.batchSize)
            deleted += batch
            if batch < configuration.batchSize { return deleted }
        }
    }

    public func run() async throws {
        try await PeriodicService("pruner", every: configuration.interval, logger: logger) {
            let deleted = try await runOnce()
            if deleted > 0 { logger.info("pruned finished jobs", metadata: ["deleted": "\(deleted)"]) }
        }.run()
    }
}
