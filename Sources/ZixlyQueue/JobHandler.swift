import Foundation
import Synchronization
public import ZixlyCore

/// Runs one kind of job. The worker pool calls `run` for each claimed job of `jobType`.
public protocol JobHandler: Sendable {
    /// The `job_type` this handler runs (e.g. `trading-sweep`).
    var jobType: String { get }
    /// Does the work and returns the job's result summary. Throw `JobFailure` (or any error, which
    /// counts as retryable) to fail the attempt; check `context` at checkpoints for cancellation.
    func run(_ job: Job, context: JobContext) async throws -> JSONValue
    /// When a failed attempt of this type runs again; nil (the default) for the pool's policy.
    var retryPolicy: RetryPolicy? { get }
}

extension JobHandler {
    public var retryPolicy: RetryPolicy? { nil }
}

/// What a running job can tell its worker, and learn from it.
public struct JobContext: Sendable {
    public let lease: Lease
    let control: JobControl

    /// Records progress; the worker writes it with the next heartbeat (about once a second).
    public func report(_ progress: JobProgress) {
        control.report(progress)
    }

    /// True once the job must stop: cancel requested, lease lost or shutdown past its grace period.
    public var shouldStop: Bool { control.shouldStop }

    /// Throws `JobStopped` if the job must stop.
    public func checkpoint() throws(JobStopped) {
        if control.shouldStop { throw JobStopped() }
    }
}

/// Thrown by a handler to run the job again after `delay` without spending an attempt (a parent
/// waiting for its children): the worker gives the job back, queued at now + `delay`, and its
/// slot to other jobs. A cancel request made meanwhile cancels it instead.
public struct JobSnoozed: Error, Equatable {
    public var delay: Duration
    public init(for delay: Duration) {
        self.delay = delay
    }
}

/// Thrown at a checkpoint when the job must stop; the worker decides what that means.
public struct JobStopped: Error, Equatable {
    public init() {}
}

/// Shared between a job's handler, its heartbeat and the pool.
final class JobControl: Sendable {
    private struct State {
        var progress: JobProgress?
        var progressVersion = 0
        var stop = false
    }
    private let state = Mutex(State())

    func report(_ progress: JobProgress) {
        state.withLock {
            $0.progress = progress
            $0.progressVersion += 1
        }
    }

    var shouldStop: Bool { state.withLock { $0.stop } }

    func requestStop() { state.withLock { $0.stop = true } }

    /// The latest progress and a version number that changes with each report.
    var latestProgress: (JobProgress?, Int) { state.withLock { ($0.progress, $0.progressVersion) } }
}
