import Foundation
import Hummingbird
import ZixlyCore

/// How a job looks in JSON (DESIGN §3): lower-case status, ISO-8601 times, snake_case keys.
enum JobPresentation {
    static func json(_ job: Job) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601.string($0)) } ?? .null }
        return [
            "id": .string(job.id.rawValue),
            "job_type": .string(job.jobType),
            "status": .string(job.state.rawValue),
            "parameters": job.parameters,
            "result_summary": job.resultSummary ?? .null,
            "metrics": job.resultSummary?["best"] ?? .null,
            "error_message": job.errorMessage.map(JSONValue.string) ?? .null,
            "attempts": .number(Double(job.attempt)),
            "max_attempts": .number(Double(job.maxAttempts)),
            "progress": .number(Double(job.progress?.percent ?? (job.state == .completed ? 100 : 0))),
            "progress_message": job.progress?.message.map(JSONValue.string) ?? .null,
            "cancel_requested": .bool(job.cancelRequested),
            "created_at": time(job.createdAt),
            "run_at": time(job.runAt),
            "started_at": time(job.startedAt),
            "completed_at": time(job.finishedAt),
            "duration_seconds": job.durationSeconds.map(JSONValue.number) ?? .null,
        ]
    }
}

extension JSONValue {
    /// A JSON response with this value as its body.
    func response(_ status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: jsonText())))
    }

}

extension Parameters {
    /// The `{id}` path parameter as a job id; 404 when it is not a UUID (no such job can exist).
    func jobID() throws -> JobID {
        guard let text = get("id"), let id = JobID(validating: text) else { throw APIError.notFound("job") }
        return id
    }
}
