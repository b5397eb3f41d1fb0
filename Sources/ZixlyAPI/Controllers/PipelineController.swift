import Foundation
import HTTPTypes
import Hummingbird
import ZixlyCore
import ZixlyPipelines
import ZixlyQueue
import ZixlySweeps

/// `/api/pipelines`: jobs for API-key holders (viewer reads; editor creates, cancels, retries).
struct PipelineController {
    let services: APIServices
    static let pageLimits = 1...100

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/pipelines", use: list)
        JobStreamController(services: services).register(on: router)
        router.post("/api/pipelines", use: create)
        router.get("/api/pipelines/:id", use: show)
        router.delete("/api/pipelines/:id", use: cancel)
        router.post("/api/pipelines/:id/retry", use: retry)
        ResultsController(services: services).register(on: router)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.viewer)
        let (filter, pageRequest) = try Self.listing(request, tenant: principal.tenant)
        let page = try await services.queue.jobs(matching: filter, page: pageRequest)
        let (limit, offset) = (pageRequest.limit, pageRequest.offset)
        let answer: JSONValue = [
            "jobs": .array(page.items.map(JobPresentation.json)),
            "totalJobs": .number(Double(page.total)),
            "limit": .number(Double(limit)),
            "offset": .number(Double(offset)),
            "hasMore": .bool(page.hasMore),
        ]
        return answer.response()
    }

    /// The listing's `status`, `job_type`, `limit` and `offset` query (400 naming each bad one).
    static func listing(_ request: Request, tenant: String) throws -> (JobFilter, PageRequest) {
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        var state: JobState?
        if let text = query.get("status"), !text.isEmpty {
            state = JobState(rawValue: text.lowercased())
            if state == nil { fields["status"] = "must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))" }
        }
        let limit = integer(query.get("limit"), field: "limit", in: pageLimits, default: 20, fields: &fields)
        let offset = integer(query.get("offset"), field: "offset", in: 0...Int(Int32.max), default: 0, fields: &fields)
        guard fields.isEmpty else { throw APIError.badRequest("invalid query parameters", fields: fields) }
        let jobType = query.get("job_type").flatMap { $0.isEmpty ? nil : $0 }
        return (JobFilter(state: state, jobType: jobType, tenant: tenant), PageRequest(limit: limit, offset: offset))
    }

    /// `{job_type, ticker?, config?}` → 201 with the queued job; `Idempotency-Key` replays → 200.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.editor)
        let body = try await RequestBody.jsonObject(request, context: context)
        guard case .object(let object) = body else { throw APIError.badRequest("request body must be a JSON object") }
        let known: Set = ["job_type", "ticker", "config"]
        var fields = Dictionary(uniqueKeysWithValues: object.keys.filter { !known.contains($0) }.map { ($0, "unknown field") })
        guard case .string(let jobType)? = object["job_type"] else {
            fields["job_type"] = "is required: \(TradingSweepPipeline.jobType)"
            throw APIError.badRequest("invalid pipeline request", fields: fields)
        }
        guard jobType == TradingSweepPipeline.jobType else {
            fields["job_type"] = "unknown job type '\(jobType)'; known: \(TradingSweepPipeline.jobType)"
            throw APIError.badRequest("invalid pipeline request", fields: fields)
        }
        var config: [String: JSONValue] = [:]
        switch object["config"] {
        case nil, .null?: break
        case .object(let value)?: config = value
        default: fields["config"] = "must be a JSON object"
        }
        if let ticker = object["ticker"] { config["ticker"] = ticker }
        guard fields.isEmpty else { throw APIError.badRequest("invalid pipeline request", fields: fields) }
        let parameters: TradingSweepParameters
        do throws(ValidationErrors) {
            parameters = try TradingSweepParameters(
                validating: .object(config), hasData: services.marketData.hasData(for:),
                available: services.marketData.availableTickers(), externalConfigured: services.externalSweeps)
        } catch {
            throw APIError.badRequest("invalid trading-sweep configuration", fields: error.fields)
        }
        let key = try IdempotentRequest.key(request, header: "Idempotency-Key", namespace: .api)
        let result = try await services.queue.enqueue(
            NewJob(
                tenant: principal.tenant, jobType: jobType, parameters: parameters.json, idempotencyKey: key?.stored,
                traceParent: request.headers[HTTPField.Name("traceparent")!]))
        switch result {
        case .created(let job):
            return JSONValue.object(["job": JobPresentation.json(job), "message": "job queued"]).response(.created)
        case .duplicate(let job):
            try IdempotentRequest.requireSameRequest(job, jobType: jobType, parameters: parameters.json, header: "Idempotency-Key")
            return JSONValue.object(["job": JobPresentation.json(job), "message": "Idempotency-Key seen before: existing job"]).response(.ok)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await ownedJob(request, context: context, role: .viewer)
        let top = try await services.results.rows(for: job.id, sortBy: .score, descending: true, limit: 10, rankedOnly: true)
        return JobPresentation.json(job).merging(["results": .array(top.map(\.json))]).response()
    }

    /// Queued → cancelled at once; running → cancel requested; final → 409.
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await ownedJob(request, context: context, role: .editor)
        switch try await services.queue.cancel(job.id) {
        case .cancelled(let job):
            return JSONValue.object(["job": JobPresentation.json(job), "message": "job cancelled"]).response()
        case .cancelRequested(let job):
            return JSONValue.object(["job": JobPresentation.json(job), "message": "cancel requested; the worker stops at its next checkpoint"])
                .response(.accepted)
        case .alreadyFinal(let job):
            throw APIError.conflict("job is already \(job.state.rawValue); nothing to cancel", details: ["status": .string(job.state.rawValue)])
        case .notFound:
            throw APIError.notFound("job")
        }
    }

    /// failed | cancelled → queued again; anything else → 409.
    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await ownedJob(request, context: context, role: .editor)
        guard let retried = try await services.queue.retry(job.id) else {
            throw APIError.conflict(
                "only failed or cancelled jobs can be retried; this one is \(job.state.rawValue)",
                details: ["status": .string(job.state.rawValue)])
        }
        return JSONValue.object(["job": JobPresentation.json(retried), "message": "job queued again"]).response()
    }

    /// The job, if it exists and belongs to the caller's tenant (404 otherwise).
    func ownedJob(_ request: Request, context: AppRequestContext, role: Role) async throws -> Job {
        let principal = try context.require(role)
        let id = try context.parameters.jobID()
        guard let job = try await services.queue.job(id), job.tenant == principal.tenant else { throw APIError.notFound("job") }
        return job
    }

    static func integer(_ text: String?, field: String, in limits: ClosedRange<Int>, default: Int, fields: inout [String: String]) -> Int {
        guard let text, !text.isEmpty else { return `default` }
        guard let value = Int(text), limits.contains(value) else {
            fields[field] = "must be a whole number within \(limits.lowerBound)...\(limits.upperBound)"
            return `default`
        }
        return value
    }
}
