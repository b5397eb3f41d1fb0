import Logging
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
                try await cancelWhenGracefulShutdown {
                    try await database.client.withConnection { connection in
                        try await connection.listen(on: Self.channel) { notifications in
                            for try await _ in notifications { wakeups.notify() }
                        }
                    }
                }
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
