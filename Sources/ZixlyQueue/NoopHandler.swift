import Foundation
public import ZixlyCore

/// `job_type: "noop"`: does nothing and completes. For smoke tests of a deployment and for the
/// queue benchmark, where it measures the queue's own cost per job (as River's and Oban's do).
public struct NoopHandler: JobHandler {
    public static let jobType = "noop"
    public var jobType: String { Self.jobType }
    public init() {}
    public func run(_ job: Job, context: JobContext) async throws -> JSONValue { [:] }
}

/// `noop` as a job type: the platform queues it itself (benchmarks, smoke tests); requests may not.
public struct NoopJobType: JobType {
    public init() {}
    public var name: String { NoopHandler.jobType }
    public var acceptsRequests: Bool { false }
    public var handler: any JobHandler { NoopHandler() }
    public func accept(_ body: JSONValue, tenant: String) async throws -> AcceptedJob {
        throw ValidationErrors(fields: ["job_type": "noop is queued by the platform itself"])
    }
}
