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
    static let resultLimits = 1...100_000
    var jobs: OwnedJobs { OwnedJobs(queue: queue) }

    /// Under `/api/pipelines`.
    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(":id/results", use: rows)
        routes.get(":id/artifact", use: artifact)
        routes.get(":id/walk-forward", use: walkForward)
        return routes
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
        let job = try await jobs.job(context, role: .viewer)
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

    /// `?sort_by=<column>&order=asc|desc&limit=N&format=json|csv&ranked=true|false`
    @Sendable func rows(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await jobs.job(context, role: .viewer)
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        var sortKey = SweepSortKey.score
        if let text = query.get("sort_by"), !text.isEmpty {
            if let key = SweepSortKey(rawValue: text) {
                sortKey = key
            } else {
                fields["sort_by"] = "must be one of \(SweepSortKey.allCases.map(\.rawValue).joined(separator: ", "))"
            }
        }
        var descending = sortKey.sortsDescendingByDefault
        switch query.get("order")?.lowercased() {
        case nil, "": break
        case "asc": descending = false
        case "desc": descending = true
        default: fields["order"] = "must be asc or desc"
        }
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
