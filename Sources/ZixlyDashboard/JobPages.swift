import Foundation
import HTTPTypes
import Hummingbird
import SweepEngine
import ZixlyAPI
import ZixlyCore
import ZixlyQueue
import ZixlySweeps

/// `/` and `/jobs/{id}`: the jobs table, a job's page, and cancel and retry from it.
struct JobPages: Sendable {
    let queue: JobQueue
    let results: any SweepResultStore
    /// Which job types there are, and how each shows its results.
    let jobTypes: JobTypeRegistry
    /// Where a sweep's walk-forward folds are kept.
    let artifacts: any ArtifactStore
    /// Rankings of sweeps of many tickers.
    let aggregates: StoredAggregates
    let pages: Pages
    static let pageSize = 20

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: jobs)
        routes.get("jobs/:id", use: job)
        routes.get("jobs/:id/combinations/:fast/:slow", use: combination)
        routes.post("jobs/:id/cancel", use: cancel)
        routes.post("jobs/:id/retry", use: retry)
        return routes
    }

    @Sendable func jobs(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        let query = request.uri.queryParameters
        let state = query.get("status").flatMap { JobState(rawValue: $0) }
        let jobType = query.get("job_type").flatMap { $0.isEmpty ? nil : $0 }
        let offset = max(0, query.get("offset").flatMap { Int($0) } ?? 0)
        // A many-ticker sweep's per-ticker jobs are listed on its own page, not here, unless asked.
        let showChildren = query.get("children") == "show"
        let page = try await queue.jobs(
            matching: JobFilter(state: state, jobType: jobType, tenant: principal.tenant, topLevelOnly: !showChildren),
            page: PageRequest(limit: Self.pageSize, offset: offset))
        let now = queue.clock.now()
        func url(_ path: String = "/", offset: Int, limit: Int? = nil) -> String {
            var items = [URLQueryItem]()
            if let state { items.append(URLQueryItem(name: "status", value: state.rawValue)) }
            if let jobType { items.append(URLQueryItem(name: "job_type", value: jobType)) }
            if showChildren { items.append(URLQueryItem(name: "children", value: "show")) }
            if !showChildren && path.hasPrefix("/api/") { items.append(URLQueryItem(name: "top_level", value: "true")) }
            if offset > 0 { items.append(URLQueryItem(name: "offset", value: String(offset))) }
            if let limit { items.append(URLQueryItem(name: "limit", value: String(limit))) }
            var components = URLComponents()
            components.path = path
            components.queryItems = items.isEmpty ? nil : items
            return components.string ?? path
        }
        let values: [String: Any] = [
            "jobs": page.items.map { JobView($0, synopsis: jobTypes.synopsis(of: $0), principal: principal, now: now).values },
            "total": page.total,
            "filtered": state != nil || jobType != nil,
            "showChildren": showChildren,
            "statuses": [["value": "", "label": "Any", "selected": state == nil]]
                + JobState.allCases.map { ["value": $0.rawValue, "label": $0.rawValue, "selected": $0 == state] },
            "jobTypes": [["value": "", "label": "Any", "selected": jobType == nil]]
                + jobTypes.requestable.map { ["value": $0, "label": $0, "selected": $0 == jobType] },
            "previousURL": offset > 0 ? url(offset: max(0, offset - Self.pageSize)) : false,
            "nextURL": page.hasMore ? url(offset: offset + Self.pageSize) : false,
            "refreshURL": url(offset: offset),
            "streamURL": url("/api/pipelines/events", offset: offset, limit: Self.pageSize),
            "notice": Self.notice(query.get("notice")) ?? false,
        ]
        return pages.render("jobs", title: "Jobs", values, context: context)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(request, context: context) { id in
            switch try await queue.cancel(id) {
            case .cancelled, .cancelRequested: "cancel-requested"
            case .alreadyFinal: "already-final"
            case .notFound: "not-found"
            }
        }
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(request, context: context) { id in
            try await queue.retry(id) == nil ? "not-retryable" : "retried"
        }
    }

    /// A cancel or retry from a form: editors only, on the tenant's own jobs; back to the job's page.
    private func change(_ request: Request, context: AppRequestContext, _ action: (JobID) async throws -> String) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        guard principal.role >= .editor else { throw APIError(.forbidden, "this action needs the editor role; you have \(principal.role.rawValue)") }
        let job = try await ownedJob(context, principal: principal)
        let notice = try await action(job.id)
        return Pages.redirect("/jobs/\(job.id.rawValue)?notice=\(notice)")
    }

    /// The `{id}` job of the principal's tenant; 404 for any other (or none).
    func ownedJob(_ context: AppRequestContext, principal: Principal) async throws -> Job {
        guard let job = try await queue.job(try context.parameters.jobID()), job.tenant == principal.tenant else {
            throw APIError.notFound("job")
        }
        return job
    }

    static func notice(_ code: String?) -> String? {
        switch code {
        case "cancel-requested": "Cancel requested: a queued job stops at once, a running one at its next checkpoint."
        case "already-final": "The job had already ended."
        case "retried": "The job is queued again."
        case "not-retryable": "Only failed or cancelled jobs can be retried."
        case "queued": "Sweep queued."
        default: nil
        }
    }
}
