import Logging
import NIOCore
import PostgresNIO
public import ServiceLifecycle
public import ZixlyQueue

/// LISTENs on `zixly_jobs` and wakes this process's idle workers when any process enqueues or
/// retries a job (the store NOTIFYs after each commit), so a new job is claimed within
/// milliseconds without hot polling. Polling stays on as the fallback; a lost connection is
/// re-established with exponential backoff (250 ms to 10 s).
public struct PostgresWakeupListener: Service {
    public static let channel = "zixly_jobs"

    let database: PostgresDatabase
    let wakeups: WorkSignal

    public init(database: PostgresDatabase, wakeups: WorkSignal) {
        self.database = database
        self.wakeups = wakeups
    }

    public func run() async throws {
        var backoff: Duration = .milliseconds(250)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            do {
                // A connection of its own, outside the pool, closed to stop: a LISTEN's notification
                // stream does not end on cancellation alone, and a worker whose stream waited on an
                // idle channel did not exit within 60 s of SIGTERM (CI, twice). Closing ends the stream.
                let connection = try await database.openConnection()
                let close: @Sendable () -> Void = { _ = connection.close() as EventLoopFuture<Void> }
                do {
                    try await withTaskCancellationHandler {
                        try await withGracefulShutdownHandler {
                            try await connection.listen(on: Self.channel) { notifications in
                                for try await _ in notifications { wakeups.notify() }
                            }
                        } onGracefulShutdown: {
                            close()
                        }
                    } onCancel: {
                        close()
                    }
                } catch {
                    try? await connection.close()  // a connection must be closed before it is released
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                if started.duration(to: .now) > .seconds(10) { backoff = .milliseconds(250) }
                database.logger.warning("job notifications lost; listening again", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }
}
