public import Foundation

/// One entry of a job's history (as River's `errors` and Oban's `errors`): an attempt that failed,
/// with when it started and ended, on which worker, and why. Successful attempts add nothing; a
/// failure, a retry and a lease lost to the rescuer each add one. An operator's retry adds its own
/// entry (`retried`), after one for the attempt a cancel ended (`cancelled`), so the runs before a
/// retry stay in the history.
public struct AttemptError: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The attempt failed, or its lease expired.
        case failed
        /// A cancel ended the attempt (recorded when the job is retried).
        case cancelled
        /// An operator queued the job again: attempts count from 1 after it.
        case retried
    }

    public var attempt: Int
    /// When the attempt failed (or its lease was found expired, or it was cancelled or retried).
    public var at: Date
    public var startedAt: Date?
    public var worker: WorkerID?
    public var message: String
    public var kind: Kind

    public init(attempt: Int, at: Date, startedAt: Date? = nil, worker: WorkerID? = nil, message: String, kind: Kind = .failed) {
        self.attempt = attempt
        self.at = at
        self.startedAt = startedAt
        self.worker = worker
        self.message = message
        self.kind = kind
    }
}

extension AttemptError {
    /// The stored history: a JSON array of `{attempt, at, started_at, worker, error, kind}` (no
    /// `kind` for a failure), times in Unix seconds, as both job stores write it in SQL.
    public static func decodeHistory(jsonText: String) throws -> [AttemptError] {
        // Most jobs never failed: their empty history is read with every claimed row.
        if jsonText == "[]" { return [] }
        guard case .array(let entries) = try JSONValue(jsonText: jsonText) else {
            throw CorruptAttemptHistory(text: jsonText)
        }
        return try entries.map { entry in
            guard let attempt = entry["attempt"]?.doubleValue, let at = entry["at"]?.doubleValue else {
                throw CorruptAttemptHistory(text: jsonText)
            }
            return AttemptError(
                attempt: Int(attempt), at: Date(timeIntervalSince1970: at),
                startedAt: entry["started_at"]?.doubleValue.map(Date.init(timeIntervalSince1970:)),
                worker: entry["worker"]?.stringValue.map(WorkerID.init), message: entry["error"]?.stringValue ?? "",
                kind: entry["kind"]?.stringValue.flatMap(Kind.init(rawValue:)) ?? .failed)
        }
    }

    /// As the API shows it: ISO-8601 times.
    public var json: JSONValue {
        [
            "attempt": .number(Double(attempt)),
            "at": .string(ISO8601.string(at)),
            "started_at": startedAt.map { .string(ISO8601.string($0)) } ?? .null,
            "worker": worker.map { .string($0.rawValue) } ?? .null,
            "error": .string(message),
            "kind": .string(kind.rawValue),
        ]
    }
}

/// A job's attempt history that is not the JSON array the stores write.
public struct CorruptAttemptHistory: Error, CustomStringConvertible {
    public var text: String
    public var description: String { "corrupt attempt history: \(text.prefix(200))" }
}
