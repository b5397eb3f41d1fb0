public import Foundation

/// A job's identity: a random UUID in lower-case text form.
public struct JobID: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Accepts a UUID in any case; nil for anything else.
    public init?(validating text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        rawValue = uuid.uuidString.lowercased()
    }
    public static func random() -> JobID { JobID(rawValue: UUID().uuidString.lowercased()) }
    public var description: String { rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The name a worker claims under (host:pid:random by default).
public struct WorkerID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// A pipeline's progress: percent done (0–100) and what it is doing.
public struct JobProgress: Sendable, Equatable, Codable {
    public var percent: Int
    public var message: String?
    public init(percent: Int, message: String? = nil) {
        self.percent = min(100, max(0, percent))
        self.message = message
    }
}

/// One row of the jobs table: the job and its queue entry at once.
public struct Job: Sendable, Equatable {
    public var id: JobID
    public var tenant: String
    public var jobType: String
    public var state: JobState
    /// The job's input, a JSON object.
    public var parameters: JSONValue
    /// Lower runs first.
    public var priority: Int
    /// Claims so far (each claim is one attempt).
    public var attempt: Int
    public var maxAttempts: Int
    /// Not claimable before this instant (backoff, scheduling).
    public var runAt: Date
    public var createdAt: Date
    /// Start of the latest attempt.
    public var startedAt: Date?
    /// Set exactly when the state is final.
    public var finishedAt: Date?
    public var leaseOwner: WorkerID?
    public var leaseExpiresAt: Date?
    /// A user asked to cancel this running job; its worker stops at the next checkpoint.
    public var cancelRequested: Bool
    public var progress: JobProgress?
    /// The latest failure, kept when a retry is queued.
    public var errorMessage: String?
    /// Every failed attempt, oldest first (kept across retries, also a user's retry).
    public var attemptErrors: [AttemptError]
    /// What the pipeline reported on completion (for sweeps: best combination, counts, timing).
    public var resultSummary: JSONValue?
    public var idempotencyKey: String?
    /// W3C traceparent of the request that created the job.
    public var traceParent: String?
    /// The queue whose workers run it (see `NewJob.queue`).
    public var queue: String

    public init(
        id: JobID, tenant: String, jobType: String, state: JobState, parameters: JSONValue, priority: Int,
        attempt: Int, maxAttempts: Int, runAt: Date, createdAt: Date, startedAt: Date? = nil,
        finishedAt: Date? = nil, leaseOwner: WorkerID? = nil, leaseExpiresAt: Date? = nil,
        cancelRequested: Bool = false, progress: JobProgress? = nil, errorMessage: String? = nil,
        attemptErrors: [AttemptError] = [], resultSummary: JSONValue? = nil, idempotencyKey: String? = nil, traceParent: String? = nil,
        queue: String = NewJob.defaultQueue
    ) {
        self.id = id
        self.tenant = tenant
        self.jobType = jobType
        self.state = state
        self.parameters = parameters
        self.priority = priority
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.cancelRequested = cancelRequested
        self.progress = progress
        self.errorMessage = errorMessage
        self.attemptErrors = attemptErrors
        self.resultSummary = resultSummary
        self.idempotencyKey = idempotencyKey
        self.traceParent = traceParent
        self.queue = queue
    }

    /// Seconds from the latest start to the finish, when both are known.
    public var durationSeconds: Double? {
        guard let startedAt, let finishedAt else { return nil }
        return finishedAt.timeIntervalSince(startedAt)
    }
}

/// A job to insert.
public struct NewJob: Sendable, Equatable {
    public var id: JobID
    public var tenant: String
    public var jobType: String
    public var parameters: JSONValue
    public var priority: Int
    public var maxAttempts: Int
    /// nil = now.
    public var runAt: Date?
    public var idempotencyKey: String?
    public var traceParent: String?
    /// The queue whose workers run it: each worker pool claims from one queue, with its own
    /// concurrency (outbound webhooks have theirs, so a dead endpoint never holds a sweep's slot).
    public var queue: String

    public static let defaultTenant = "default"
    public static let defaultMaxAttempts = 3
    /// Where jobs go unless they name a queue.
    public static let defaultQueue = "default"

    public init(
        id: JobID = .random(), tenant: String = NewJob.defaultTenant, jobType: String, parameters: JSONValue,
        priority: Int = 0, maxAttempts: Int = NewJob.defaultMaxAttempts, runAt: Date? = nil,
        idempotencyKey: String? = nil, traceParent: String? = nil, queue: String = NewJob.defaultQueue
    ) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        self.id = id
        self.tenant = tenant
        self.jobType = jobType
        self.parameters = parameters
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.idempotencyKey = idempotencyKey
        self.traceParent = traceParent
        self.queue = queue
    }
}

extension NewJob {
    /// The row that inserting this job at `now` creates: queued, no attempt yet.
    public func queued(at now: Date) -> Job {
        Job(
            id: id, tenant: tenant, jobType: jobType, state: .queued, parameters: parameters, priority: priority,
            attempt: 0, maxAttempts: maxAttempts, runAt: runAt ?? now, createdAt: now,
            idempotencyKey: idempotencyKey, traceParent: traceParent, queue: queue)
    }
}
