public import Foundation

extension Job {
    /// How a job looks in JSON (DESIGN §3), in API responses and webhook payloads alike:
    /// lower-case status, ISO-8601 times, snake_case keys.
    public var json: JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601.string($0)) } ?? .null }
        return [
            "id": .string(id.rawValue),
            "job_type": .string(jobType),
            "status": .string(state.rawValue),
            "parameters": parameters,
            "result_summary": resultSummary ?? .null,
            "metrics": resultSummary?["best"] ?? .null,
            "error_message": errorMessage.map(JSONValue.string) ?? .null,
            "attempt_errors": .array(attemptErrors.map(\.json)),
            "attempts": .number(Double(attempt)),
            "max_attempts": .number(Double(maxAttempts)),
            "progress": .number(Double(progress?.percent ?? (state == .completed ? 100 : 0))),
            "progress_message": progress?.message.map(JSONValue.string) ?? .null,
            "cancel_requested": .bool(cancelRequested),
            "created_at": time(createdAt),
            "run_at": time(runAt),
            "started_at": time(startedAt),
            "completed_at": time(finishedAt),
            "duration_seconds": durationSeconds.map(JSONValue.number) ?? .null,
        ]
    }
}

/// ISO-8601 with milliseconds, UTC.
public enum ISO8601 {
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
