import Foundation
import HTTPTypes
import Hummingbird
import ZixlyCore
import ZixlyQueue
import ZixlySweeps

/// `/api/pipelines`: jobs for API-key holders (viewer reads; editor creates, cancels, retries).
struct PipelineController {
    let queue: JobQueue
    let results: any SweepResultStore
    /// What may be queued, and how each type checks its request.
    let jobTypes: JobTypeRegistry
    var jobs: OwnedJobs { OwnedJobs(queue: queue) }

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.post(use: create)
        routes.get(":id", use: show)
        routes.delete(":id", use: cancel)
        routes.post(":id/retry", use: retry)
        return routes
    }

    /// A page of the tenant's jobs, newest first.
    struct JobList: APIResource {
        var jobs: [JSONValue]
        var totalJobs: Int
        var limit: Int
        var offset: Int
        var hasMore: Bool
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.viewer)
        let (filter, pageRequest) = try Self.listing(request, tenant: principal.tenant)
        let page = try await queue.jobs(matching: filter, page: pageRequest)
        return try JobList(
            jobs: page.items.map { $0.json.merging(["synopsis": jobTypes.synopsis(of: $0).json]) }, totalJobs: page.total, limit: pageRequest.limit,
            offset: pageRequest.offset,
            hasMore: page.hasMore
        ).response()
    }

    /// The listing's `status`, `job_type`, `top_level`, `limit` and `offset` query (400 naming each
    /// bad one).
    static func listing(_ request: Request, tenant: String) throws -> (JobFilter, PageRequest) {
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        var state: JobState?
        if let text = query.get("status"), !text.isEmpty {
            state = JobState(rawValue: text.lowercased())
            if state == nil { fields["status"] = "must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))" }
        }
        var topLevelOnly = false
        switch query.get("top_level") {
        case nil, "", "false": break
        case "true": topLevelOnly = true
        default: fields["top_level"] = "must be true or false"
        }
        let (limit, offset) = QueryParameters.page(query, fields: &fields)
        guard fields.isEmpty else { throw APIError.badRequest("invalid query parameters", fields: fields) }
        let jobType = query.get("job_type").flatMap { $0.isEmpty ? nil : $0 }
        return (
            JobFilter(state: state, jobType: jobType, tenant: tenant, topLevelOnly: topLevelOnly), PageRequest(limit: limit, offset: offset)
        )
    }

    /// `{job_type, ticker?, config?}` → 201 with the queued job; `Idempotency-Key` replays → 200.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.editor)
        let body = try await RequestBody.jsonObject(request, context: context)
        guard case .object(let object) = body else { throw APIError.badRequest("request body must be a JSON object") }
        let known: Set = ["job_type", "ticker", "config"]
        var fields = Dictionary(uniqueKeysWithValues: object.keys.filter { !known.contains($0) }.map { ($0, "unknown field") })
        guard case .string(let jobType)? = object["job_type"] else {
            fields["job_type"] = "is required: one of \(jobTypes.requestable.joined(separator: ", "))"
            throw APIError.badRequest("invalid pipeline request", fields: fields)
        }
        let type: any JobType
        switch jobTypes.requestableType(jobType) {
        case .success(let found): type = found
        case .failure(let unknown):
            fields["job_type"] = unknown.description
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
        let accepted: AcceptedJob
        do {
            accepted = try await type.accept(.object(config), tenant: principal.tenant)
        } catch let error as ValidationErrors {
            throw APIError.badRequest("invalid \(jobType) configuration", fields: error.fields)
        }
        let key = try IdempotentRequest.key(request, header: "Idempotency-Key", namespace: .api)
        let result = try await queue.enqueue(
            NewJob(
                tenant: principal.tenant, jobType: jobType, parameters: accepted.parameters, idempotencyKey: key?.stored,
                traceParent: request.headers[HTTPField.Name("traceparent")!]))
        switch result {
        case .created(let job):
            return try JobChange(job, "job queued: \(accepted.description)").response(.created)
        case .duplicate(let job):
            try IdempotentRequest.requireSameRequest(job, jobType: jobType, parameters: accepted.parameters, header: "Idempotency-Key")
            return try JobChange(job, "Idempotency-Key seen before: existing job").response()
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await jobs.job(context, role: .viewer)
        let top = try await results.rows(for: job.id, sortBy: .score, descending: true, limit: 10, rankedOnly: true)
        return job.json.merging(["results": .array(top.map(\.json)), "synopsis": jobTypes.synopsis(of: job).json]).response()
    }

    /// Queued → cancelled at once; running → cancel requested; final → 409.
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await jobs.job(context, role: .editor)
        switch try await queue.cancel(job.id) {
        case .cancelled(let job):
            return try JobChange(job, "job cancelled").response()
        case .cancelRequested(let job):
            return try JobChange(job, "cancel requested; the worker stops at its next checkpoint").response(.accepted)
        case .alreadyFinal(let job):
            throw APIError.conflict("job is already \(job.state.rawValue); nothing to cancel", details: ["status": .string(job.state.rawValue)])
        case .notFound:
            throw APIError.notFound("job")
        }
    }

    /// failed | cancelled → queued again; anything else → 409.
    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await jobs.job(context, role: .editor)
        guard let retried = try await queue.retry(job.id) else {
            throw APIError.conflict(
                "only failed or cancelled jobs can be retried; this one is \(job.state.rawValue)",
                details: ["status": .string(job.state.rawValue)])
        }
        return try JobChange(retried, "job queued again").response()
    }
}
