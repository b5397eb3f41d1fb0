import Foundation
import Hummingbird
import SweepEngine
import ZixlyCore
import ZixlyQueue
import ZixlySweeps

/// A job's sweep results (JSON or CSV) and its result artifact.
struct ResultsController {
    let queue: JobQueue
    let results: any SweepResultStore
    let artifacts: any ArtifactStore
    let aggregates: StoredAggregates
    static let resultLimits = 1...100_000
    var jobs: OwnedJobs { OwnedJobs(queue: queue) }

    /// Under `/api/pipelines`.
    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(":id/results", use: rows)
        routes.get(":id/artifact", use: artifact)
        routes.get(":id/walk-forward", use: walkForward)
        routes.get(":id/aggregate", use: aggregate)
        routes.get(":id/children", use: children)
        return routes
    }

    /// The children of a sweep of many tickers, by ticker: `{"job_id", "children": [{ticker, job_id, status}]}`
    /// (empty until the parent first runs, and for a one-ticker sweep).
    @Sendable func children(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await jobs.job(context, role: .viewer)
        let children = try await queue.store.children(of: job.id)
        let body: JSONValue = [
            "job_id": .string(job.id.rawValue),
            "children": .array(
                children.map { ["ticker": .string($0.label), "job_id": .string($0.id.rawValue), "status": .string($0.state.rawValue)] }),
        ]
        return body.response()
    }

    /// The job whose results a request asks for: the `{id}` job, or with `?ticker=T` the child of
    /// a sweep of many tickers that swept T.
    func sweepJob(_ request: Request, context: AppRequestContext) async throws -> Job {
        let job = try await jobs.job(context, role: .viewer)
        guard let ticker = request.uri.queryParameters.get("ticker"), !ticker.isEmpty else { return job }
        guard case .array(let tickers)? = job.parameters["tickers"] else {
            throw APIError.badRequest(
                "invalid query parameters", fields: ["ticker": "job \(job.id) sweeps one ticker; leave ticker out"])
        }
        let children = try await queue.store.children(of: job.id)
        guard let child = children.first(where: { $0.label == ticker.uppercased() }) else {
            let named = tickers.prefix(10).compactMap(\.stringValue).joined(separator: ", ")
            throw APIError.notFound("ticker '\(ticker.prefix(40))' in job \(job.id) (its tickers: \(named)\(tickers.count > 10 ? ", …" : ""))")
        }
        guard let found = try await queue.job(child.id) else { throw APIError.notFound("job \(child.id)") }
        return found
    }

    /// A page of a sweep of many tickers' ranking across them, with every ticker's outcome.
    struct AggregatePage: APIResource {
        var jobId: String
        var strategy: String
        var sortBy: String
        var order: String
        var total: Int
        var limit: Int
        var offset: Int
        var rows: [JSONValue]
        var tickers: [JSONValue]
    }

    /// `?sort_by=median_sharpe|share_beating_buy_and_hold|worst_drawdown_pct|fast_period|slow_period&order=asc|desc&limit=N&offset=N`
    @Sendable func aggregate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await jobs.job(context, role: .viewer)
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        let (sortKey, descending) = QueryParameters.sorting(
            query, default: UniverseAggregate.SortKey.medianSharpe, descendingByDefault: \.sortsDescendingByDefault, fields: &fields)
        let limit = QueryParameters.integer(query.get("limit"), field: "limit", in: 1...10_000, default: 100, fields: &fields)
        let offset = QueryParameters.integer(query.get("offset"), field: "offset", in: 0...10_000_000, default: 0, fields: &fields)
        guard fields.isEmpty else { throw APIError.badRequest("invalid query parameters", fields: fields) }
        guard job.parameters["tickers"] != nil else {
            throw APIError.notFound("an aggregate for job \(job.id) (it sweeps one ticker: see its results)")
        }
        guard let key = job.resultSummary?["aggregate_key"]?.stringValue else {
            let progress = job.progress?.message.map { ": \($0)" } ?? ""
            throw APIError.notFound(
                "the aggregate of job \(job.id) (it is \(job.state.rawValue)\(progress); it is written when every ticker has finished)")
        }
        guard let stored = try await aggregates.aggregate(at: key) else { throw APIError.notFound("artifact \(key)") }
        return try AggregatePage(
            jobId: job.id.rawValue, strategy: stored.strategy, sortBy: sortKey.rawValue, order: descending ? "desc" : "asc",
            total: stored.rows.count, limit: limit, offset: offset,
            rows: stored.page(sortBy: sortKey, descending: descending, offset: offset, limit: limit).map(\.json), tickers: stored.tickers
        ).response()
    }

    /// A page of a sweep's results, sorted, with the run's statistics. Rows and statistics are
    /// the sweep's own shape (`JSONValue`), as the artifact and the dashboard have them.
    struct ResultsPage: APIResource {
        var jobId: String
        var sweepRunId: String
        var ticker: String
        var strategy: String
        var executionTimeSeconds: Double
        var sortBy: String
        var order: String
        var results: [JSONValue]
        var statistics: JSONValue
        var artifactKey: String
    }

    /// The walk-forward validation of a sweep that asked for one: per fold its windows, its choice
    /// with the in-sample figures and its out-of-sample figures, and the stitched curve.
    @Sendable func walkForward(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await jobs.job(context, role: .viewer)
        guard let key = job.resultSummary?["walk_forward"]?["artifact_key"]?.stringValue else {
            throw APIError.notFound(
                job.parameters["walk_forward"] == nil
                    ? "walk-forward results (the sweep did not ask for \"walk_forward\")"
                    : "walk-forward results for job \(job.id) (it is \(job.state.rawValue))")
        }
        guard let data = try await artifacts.get(key) else { throw APIError.notFound("artifact \(key)") }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The full result JSON: a redirect to a presigned URL where the store has one (S3),
    /// the bytes otherwise.
    @Sendable func artifact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await sweepJob(request, context: context)
        guard let run = try await results.latestRun(for: job.id) else {
            throw APIError.notFound("results for job \(job.id) (it is \(job.state.rawValue))")
        }
        if let url = try await artifacts.downloadURL(for: run.artifactKey, expiresIn: 900) {
            return Response(status: .temporaryRedirect, headers: [.location: url.absoluteString])
        }
        guard let data = try await artifacts.get(run.artifactKey) else { throw APIError.notFound("artifact \(run.artifactKey)") }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", .contentDisposition: "attachment; filename=\"sweep-\(job.id.rawValue).json\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `?sort_by=<column>&order=asc|desc&limit=N&format=json|csv&ranked=true|false&ticker=T`
    @Sendable func rows(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await sweepJob(request, context: context)
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        let (sortKey, descending) = QueryParameters.sorting(
            query, default: SweepSortKey.score, descendingByDefault: \.sortsDescendingByDefault, fields: &fields)
        let format = query.get("format")?.lowercased() ?? "json"
        if format != "json" && format != "csv" { fields["format"] = "must be json or csv" }
        var rankedOnly = false
        switch query.get("ranked")?.lowercased() {
        case nil, "", "false": break
        case "true": rankedOnly = true
        default: fields["ranked"] = "must be true or false"
        }
        let limit: Int? = query.get("limit").map {
            QueryParameters.integer($0, field: "limit", in: Self.resultLimits, default: 100, fields: &fields)
        }
        guard fields.isEmpty else { throw APIError.badRequest("invalid query parameters", fields: fields) }

        guard let run = try await results.latestRun(for: job.id) else {
            if job.parameters["tickers"] != nil {
                throw APIError.notFound("results for job \(job.id) (it sweeps many tickers: ask ?ticker=T for one, or its /aggregate)")
            }
            throw APIError.notFound("results for job \(job.id) (it is \(job.state.rawValue))")
        }
        let rows = try await results.rows(for: job.id, sortBy: sortKey, descending: descending, limit: limit, rankedOnly: rankedOnly)
        if format == "csv" {
            let text = ([CombinationMetrics.csvHeader.joined(separator: ",")] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"sweep-\(job.id.rawValue).csv\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let statistics = try await results.statistics(of: run)
        return try ResultsPage(
            jobId: job.id.rawValue, sweepRunId: run.sweepRunID, ticker: run.ticker, strategy: run.strategy.rawValue.uppercased(),
            executionTimeSeconds: run.executionTimeSeconds, sortBy: sortKey.rawValue, order: descending ? "desc" : "asc",
            results: rows.map(\.json),
            statistics: statistics.json.merging([
                "buy_and_hold_return_pct": job.resultSummary?["buy_and_hold_return_pct"] ?? .null,
                "share_beating_buy_and_hold": job.resultSummary?["share_beating_buy_and_hold"] ?? .null,
                "deflated_sharpe_ratio": job.resultSummary?["deflated_sharpe_ratio"] ?? .null,
            ]),
            artifactKey: run.artifactKey
        ).response()
    }
}
