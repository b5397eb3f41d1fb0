import Foundation
public import ZixlyCore

/// The body of an outbound webhook, in the Standard Webhooks shape:
/// `{"type": "job.completed", "timestamp": "…", "data": <the job as the API shows it>}`.
public enum WebhookEventPayload {
    /// `job` is the job as it is when the event is dispatched; nil if it has been pruned since.
    public static func json(for event: JobEvent, job: Job?) -> String {
        let data: JSONValue = job?.json ?? ["id": .string(event.jobID.rawValue), "status": .string(event.type.finalState.rawValue)]
        let body: JSONValue = [
            "type": .string(event.type.rawValue),
            "timestamp": .string(ISO8601.string(event.occurredAt)),
            "data": data,
        ]
        return body.jsonText()
    }
}
