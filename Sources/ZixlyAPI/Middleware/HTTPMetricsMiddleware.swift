import HTTPTypes
import Hummingbird
import Metrics
import ZixlyCore

/// Counts and times every request as `http_requests_total` and `http_request_duration_seconds`
/// by method, route template (`/api/pipelines/{id}`; Hummingbird's `NotFound` for no route:
/// never the raw path, so the label set stays bounded) and status code. Outermost, so it sees the status the client gets.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let factory: any MetricsFactory

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
        let dimensions = [
            ("method", Self.knownMethods.contains(request.method) ? request.method.rawValue : "other"),
            ("route", context.routeTemplate), ("status_code", String(status)),
        ]
        Counter(label: MetricNames.httpRequests, dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: MetricNames.httpRequestDuration, dimensions: dimensions, factory: factory)
            .record(duration: ContinuousClock.now - start)
    }
}
