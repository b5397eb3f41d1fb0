import HTTPTypes
import Hummingbird
import Metrics
import ZixlyCore
import ZixlyQueue

/// Counts and times every request as `http_requests_total` and `http_request_duration_seconds`
/// by method, route template (`/api/pipelines/{id}`; Hummingbird's `NotFound` for no route:
/// never the raw path, so the label set stays bounded) and status code. Outermost, so it sees the status the client gets.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// The counter and timer of each (method, route, status), made once: every request records.
    let metrics: MadeOnce<Series, (requests: Counter, duration: Metrics.Timer)>

    struct Series: Hashable, Sendable {
        var method: String
        var route: String
        var statusCode: Int
    }

    init(factory: any MetricsFactory) {
        metrics = MadeOnce { series in
            let dimensions = [("method", series.method), ("route", series.route), ("status_code", String(series.statusCode))]
            return (
                Counter(label: MetricNames.httpRequests, dimensions: dimensions, factory: factory),
                Metrics.Timer(label: MetricNames.httpRequestDuration, dimensions: dimensions, factory: factory)
            )
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, since: start)
            return response
        } catch {
            let status = Context.statusCode(of: error)
            record(request, context: context, status: status, since: start)
            throw error
        }
    }

    /// Methods label as themselves; any other token a client sends is `other`.
    static let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    private func record(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        let series = Series(
            method: Self.knownMethods.contains(request.method) ? request.method.rawValue : "other",
            route: context.routeTemplate, statusCode: status)
        let (requests, duration) = metrics[series]
        requests.increment()
        duration.record(duration: ContinuousClock.now - start)
    }
}
