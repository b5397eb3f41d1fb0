import Foundation

/// Why an attempt failed.
public struct JobFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// False for errors a retry cannot fix (bad parameters): the job fails at once.
    public var isRetryable: Bool
    public init(message: String, isRetryable: Bool = true) {
        self.message = message
        self.isRetryable = isRetryable
    }
    public var description: String { message }
}
