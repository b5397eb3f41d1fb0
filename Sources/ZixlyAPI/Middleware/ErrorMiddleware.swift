import Hummingbird
import Logging
import ZixlyCore

/// Renders every error in DESIGN §3's shape, or as a page in the dashboard's layout for a
/// browser asking for one outside the API. Client mistakes keep their 4xx status; anything else
/// is logged and answered with a 500 that reveals nothing.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// The registered routes: a known path asked with another method is 405, not 404.
    let routes: RouteMethods
    /// HTML error pages, when a dashboard is served.
    let pages: (any ErrorPageRenderer)?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let answer = apiError(for: error, request: request, context: context)
            if let pages, request.wantsErrorPage { return pages.page(for: answer, request: request, context: context) }
            return try answer.response(from: request, context: context)
        }
    }

    /// What the client is told about `error`.
    private func apiError(for error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as StoreUnavailable:
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            return APIError(.serviceUnavailable, "database unavailable; try again shortly", headers: [.retryAfter: "5"])
        case let error as HTTPError where error.status == .notFound && !routes.allowed(at: request.uri.path).isEmpty:
            let allowed = routes.allowed(at: request.uri.path).joined(separator: ", ")
            return APIError(.methodNotAllowed, "\(request.method) is not allowed here; this route answers \(allowed)", headers: [.allow: allowed])
        case let error as HTTPError:
            return APIError(error.status, Self.message(for: error), headers: error.headers)
        case let error as any HTTPResponseError where error.status.code < 500:
            return APIError(error.status, error.status.reasonPhrase)
        default:
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return APIError(.internalServerError, "internal error")
        }
    }

    private static func message(for error: HTTPError) -> String {
        switch error.status {
        case .contentTooLarge: "request body is larger than 1 MiB"
        case .notFound: "no such route"
        case .methodNotAllowed: "method not allowed on this route"
        default: error.body ?? error.status.reasonPhrase
        }
    }
}
