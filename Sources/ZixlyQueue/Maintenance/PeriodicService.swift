public import Logging
public import ServiceLifecycle

/// Runs `tick` at once and then every `interval`, until graceful shutdown or cancellation. A
/// tick that throws is logged and the next one runs on time: one failed pass never stops the
/// service. The rescuer, the pruner, the queue gauges and the heap trimmer all tick this way.
public struct PeriodicService: Service {
    /// Names the service in its log lines ("rescuer pass failed").
    public let name: String
    public let interval: Duration
    let logger: Logger
    let tick: @Sendable () async throws -> Void

    public init(_ name: String, every interval: Duration, logger: Logger, tick: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.tick = tick
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await tick()
            } catch {
                logger.error("\(name) pass failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
