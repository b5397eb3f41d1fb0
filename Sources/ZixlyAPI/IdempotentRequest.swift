import HTTPTypes
import Hummingbird
import ZixlyCore

/// The idempotency rules both job-creating routes share: a key from its header, in its own
/// namespace and within its size; and a repeated key must repeat the request it was first sent with.
enum IdempotentRequest {
    /// The request's key from `header`, or nil when it has none.
    /// - Throws: `APIError` 400 naming the header when the key is empty, too long or has control characters.
    static func key(_ request: Request, header: String, namespace: IdempotencyKey.Namespace) throws -> IdempotencyKey? {
        guard let value = HTTPField.Name(header).flatMap({ request.headers[$0] }) else { return nil }
        do {
            return try IdempotencyKey(value, namespace: namespace)
        } catch {
            throw APIError.badRequest("invalid \(header) header", fields: [header: error.problem])
        }
    }

    /// Passes when `existing` (the job the key made first) asked for the same work.
    /// - Throws: `APIError` 409 naming the job when the key is reused for another request.
    static func requireSameRequest(_ existing: Job, jobType: String, parameters: JSONValue, header: String) throws {
        guard existing.jobType != jobType || existing.parameters != parameters else { return }
        throw APIError.conflict(
            "this \(header) was first used with a different request; it belongs to job \(existing.id.rawValue)",
            details: ["job_id": .string(existing.id.rawValue), "status": .string(existing.state.rawValue)])
    }
}
