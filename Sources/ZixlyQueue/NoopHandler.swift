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
