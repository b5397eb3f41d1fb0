import HTTPTypes
import Hummingbird
import Tracing

/// A server span per request, named by method and route template, continuing the caller's W3C
/// `traceparent` when it sends one. Outermost, so the span covers the whole handling.
struct HTTPTracingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let tracer: any Tracer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var parent = ServiceContext.topLevel
        tracer.extract(request.headers, into: &parent, using: HTTPFieldsExtractor())
        let route = context.routeTemplate
        return try await tracer.withSpan("\(request.method.rawValue) \(route)", context: parent, ofKind: .server) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["http.route"] = route
            span.attributes["url.path"] = request.uri.path
            do {
                let response = try await next(request, context)
                span.attributes["http.response.status_code"] = Int(response.status.code)
                if response.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
                return response
            } catch {
                let status = Context.statusCode(of: error)
                span.attributes["http.response.status_code"] = Int(status)
                throw error
            }
        }
    }

    struct HTTPFieldsExtractor: Extractor {
        func extract(key: String, from fields: HTTPFields) -> String? {
            HTTPField.Name(key).flatMap { fields[$0] }
        }
    }
}
