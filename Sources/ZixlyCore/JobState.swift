/// Where a job is in its life. Stored as lower-case text with a CHECK over these five values.
///
/// ```
/// queued ──claim──▶ running ──complete──▶ completed
///   ▲  │               │ fail (attempts left) / lease expired (attempts left) ──▶ queued
///   │  │               │ fail (last attempt) / lease expired (last attempt) ───▶ failed
///   │  └──cancel──▶ cancelled ◀──cancel seen at heartbeat── running
///   └───────retry (API)──────── failed | cancelled
/// ```
public enum JobState: String, Sendable, Codable, CaseIterable, Hashable {
    /// Waiting for `run_at`. Left by a worker's claim, or by cancel (→ cancelled).
    case queued
    /// Held by one worker under a lease. Left by that worker (complete, fail, cancel seen at a
    /// heartbeat) or by the rescuer when the lease expires (→ queued or failed).
    case running
    /// Final: the pipeline finished and its results are stored. Left only by the pruner (deleted).
    case completed
    /// Final: the last attempt failed (dead-lettered). Left by retry (API) or the pruner.
    case failed
    /// Final: cancelled by a user. Left by retry (API) or the pruner.
    case cancelled

    /// completed, failed and cancelled: no worker will touch the job again.
    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}
