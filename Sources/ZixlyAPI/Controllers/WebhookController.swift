import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import StandardWebhooks
import SweepEngine
import Tracing
import ZixlyCore
import ZixlyPipelines
import ZixlyQueue
import ZixlySweeps

/// `/webhook/*`: Standard-Webhooks-signed triggers, compatible with the original receiver.
struct WebhookController {
    let services: APIServices

    func register(on router: Router<AppRequestContext>) {
        for reason in WebhookVerificationError.reasons + ["invalid_request"] {
            Counter(label: MetricNames.webhookRejected, dimensions: [("reason", reason)], factory: services.metrics).increment(by: 0)
        }
        router.post("/webhook/trading-sweep", use: tradingSweep)
        router.post("/webhook/sweep-callback", use: sweepCallback)
        router.get("/webhook/jobs/:id", use: jobStatus)
    }

    /// 202 with the job id once the job is committed; 200 with the same id and the job's real
    /// status for a replayed `webhook-id`, 409 if the replay's body asks for something else;
    /// 401 and nothing stored for a bad signature.
    @Sendable func tradingSweep(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await verifiedBody(request, context: context)
        let parameters: TradingSweepParameters
        do {
            parameters = try sweepParameters(request, body: body)
        } catch {
            rejected("invalid_request")
            throw error
        }
        let key: IdempotencyKey?
        do {
            key = try IdempotentRequest.key(request, header: Webhook.idHeader, namespace: .webhook)
        } catch {
            rejected("invalid_request")
            throw error
        }
        let result = try await services.queue.enqueue(
            NewJob(
                jobType: TradingSweepPipeline.jobType, parameters: parameters.json, idempotencyKey: key?.stored,
                traceParent: request.headers[HTTPField.Name("traceparent")!]))
        let job = result.job
        let isNew = if case .created = result { true } else { false }
        if !isNew {
            try IdempotentRequest.requireSameRequest(
                job, jobType: TradingSweepPipeline.jobType, parameters: parameters.json, header: Webhook.idHeader)
        }
        let answer: JSONValue = [
            "job_id": .string(job.id.rawValue),
            "status": .string(job.state.rawValue.uppercased()),
            "message": .string(
                isNew
                    ? "trading sweep queued: \(parameters.grid.combinationCount) combinations of \(parameters.strategy.rawValue.uppercased()) on \(parameters.ticker)"
                    : "duplicate webhook-id: this webhook was already accepted"),
            "webhook_url": .string("/webhook/jobs/\(job.id.rawValue)"),
            "created_at": .string(ISO8601.string(job.createdAt)),
        ]
        return answer.response(isNew ? .accepted : .ok)
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
        guard let job = try await services.queue.job(id) else { throw APIError.notFound("job") }
        let top = try await services.results.rows(for: id, sortBy: .score, descending: true, limit: 10, rankedOnly: true)
        return JobPresentation.json(job).merging(["results": .array(top.map(\.json))]).response()
    }

    /// The signed body as sweep parameters: 415 unless JSON, 400 naming what is malformed or invalid.
    private func sweepParameters(_ request: Request, body: ByteBuffer) throws -> TradingSweepParameters {
        try RequestBody.requireJSONContentType(request)
        let json = try RequestBody.json(body)
        do throws(ValidationErrors) {
            return try TradingSweepParameters(
                validating: json, hasData: services.marketData.hasData(for:),
                available: services.marketData.availableTickers(), externalConfigured: services.externalSweeps)
        } catch {
            throw APIError.badRequest("invalid trading-sweep request", fields: error.fields)
        }
    }

    /// Counts a refused webhook by its bounded reason.
    private func rejected(_ reason: String) {
        Counter(label: MetricNames.webhookRejected, dimensions: [("reason", reason)], factory: services.metrics).increment()
    }

    /// Reads the body and checks its Standard Webhooks signature (401 otherwise).
    private func verifiedBody(_ request: Request, context: AppRequestContext) async throws -> ByteBuffer {
        let body = try await RequestBody.bytes(request, context: context)
        return try await services.tracer.withSpan("webhook.verify") { span in
            do {
                try await services.signingSecrets.verify(body: Data(body.readableBytesView)) { name in
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
