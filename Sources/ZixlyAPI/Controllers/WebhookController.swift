import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import StandardWebhooks
import Tracing
import ZixlyCore
import ZixlyQueue
import ZixlySweeps

/// `/webhook/*`: Standard-Webhooks-signed triggers, compatible with the original receiver.
struct WebhookController {
    let queue: JobQueue
    let results: any SweepResultStore
    /// What may be triggered, and how each type checks its request.
    let jobTypes: JobTypeRegistry
    /// Verifies inbound webhooks (every active secret).
    let signingSecrets: InboundSigningSecrets
    /// Where refusals are counted (`webhook_rejected_total{reason}`).
    let metrics: any MetricsFactory
    let tracer: any Tracer

    var endpoints: RouteCollection<AppRequestContext> {
        for reason in WebhookVerificationError.reasons + ["invalid_request"] {
            Counter(label: MetricNames.webhookRejected, dimensions: [("reason", reason)], factory: metrics).increment(by: 0)
        }
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("sweep-callback", use: sweepCallback)
        routes.post(":jobType", use: trigger)
        routes.get("jobs/:id", use: jobStatus)
        return routes
    }

    /// What an accepted (202) or replayed (200) webhook answers, as the original receiver did.
    struct Accepted: APIResource {
        var jobId: String
        var status: String
        var message: String
        var webhookUrl: String
        var createdAt: Date
    }

    /// `POST /webhook/{job_type}` (the original receiver's `/webhook/trading-sweep` among them):
    /// 202 with the job id once the job is committed; 200 with the same id and the job's real
    /// status for a replayed `webhook-id`, 409 if the replay's body asks for something else;
    /// 401 and nothing stored for a bad signature; 404 for a type that takes no requests.
    @Sendable func trigger(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await verifiedBody(request, context: context)
        let jobType = context.parameters.get("jobType") ?? ""
        let accepted: AcceptedJob
        let key: IdempotencyKey?
        do {
            guard case .success(let type) = jobTypes.requestableType(jobType) else {
                throw APIError.notFound("webhook trigger '\(jobType)'; known: \(jobTypes.requestable.joined(separator: ", "))")
            }
            accepted = try await acceptedRequest(request, body: body, type: type)
            key = try IdempotentRequest.key(request, header: Webhook.idHeader, namespace: .webhook)
        } catch let error as APIError {  // the request's fault; a store that cannot be read is a 503, not counted
            rejected("invalid_request")
            throw error
        }
        let result = try await queue.enqueue(
            NewJob(
                jobType: jobType, parameters: accepted.parameters, idempotencyKey: key?.stored,
                traceParent: request.headers[HTTPField.Name("traceparent")!]))
        let job = result.job
        let isNew = if case .created = result { true } else { false }
        if !isNew {
            try IdempotentRequest.requireSameRequest(job, jobType: jobType, parameters: accepted.parameters, header: Webhook.idHeader)
        }
        let message = isNew ? "\(jobType) queued: \(accepted.description)" : "duplicate webhook-id: this webhook was already accepted"
        return try Accepted(
            jobId: job.id.rawValue, status: job.state.rawValue.uppercased(), message: message, webhookUrl: "/webhook/jobs/\(job.id.rawValue)",
            createdAt: job.createdAt
        ).response(isNew ? .accepted : .ok)
    }

    /// The original's completion callback of the external trading API. The signature is checked,
    /// then 501: the external executor completes jobs by polling and takes no callbacks.
    @Sendable func sweepCallback(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await verifiedBody(request, context: context)
        throw APIError(.notImplemented, "callbacks are not used: the external executor polls the trading API")
    }

    /// The job and its top 10 ranked results. The job id (a random UUID returned only to the
    /// signed sender) is the capability; no API key is needed, as in the original receiver.
    @Sendable func jobStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.jobID()
        guard let job = try await queue.job(id) else { throw APIError.notFound("job") }
        let top = try await results.rows(for: id, sortBy: .score, descending: true, limit: 10, rankedOnly: true)
        return job.json.merging(["results": .array(top.map(\.json))]).response()
    }

    /// The signed body as the type's parameters: 415 unless JSON, 400 naming what is malformed or invalid.
    private func acceptedRequest(_ request: Request, body: ByteBuffer, type: any JobType) async throws -> AcceptedJob {
        try RequestBody.requireJSONContentType(request)
        let json = try RequestBody.json(body)
        do {
            return try await type.accept(json, tenant: NewJob.defaultTenant)
        } catch let error as ValidationErrors {
            throw APIError.badRequest("invalid \(type.name) request", fields: error.fields)
        }
    }

    /// Counts a refused webhook by its bounded reason.
    private func rejected(_ reason: String) {
        Counter(label: MetricNames.webhookRejected, dimensions: [("reason", reason)], factory: metrics).increment()
    }

    /// Reads the body and checks its Standard Webhooks signature (401 otherwise).
    private func verifiedBody(_ request: Request, context: AppRequestContext) async throws -> ByteBuffer {
        let body = try await RequestBody.bytes(request, context: context)
        return try await tracer.withSpan("webhook.verify") { span in
            do {
                try await signingSecrets.verify(body: Data(body.readableBytesView)) { name in
                    HTTPField.Name(name).flatMap { request.headers[$0] }
                }
            } catch let error as WebhookVerificationError {
                context.logger.warning("webhook rejected", metadata: ["reason": "\(error.reason)"])
                rejected(error.reason)
                span.attributes["zixly.rejected"] = error.reason
                span.setStatus(SpanStatus(code: .error, message: error.reason))
                throw APIError.unauthorized("webhook signature rejected: \(error)")
            }
            return body
        }
    }
}
