import Hummingbird
import Logging
import ZixlyCore

/// Renders every error in DESIGN §3's shape. Client mistakes keep their 4xx status; anything
/// else is logged and answered with a 500 that reveals nothing.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// The registered routes: a known path asked with another method is 405, not 404.
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as StoreUnavailable {
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            return try APIError(.serviceUnavailable, "database unavailable; try again shortly", headers: [.retryAfter: "5"])
                .response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound && !routes.allowed(at: request.uri.path).isEmpty {
            let allowed = routes.allowed(at: request.uri.path).joined(separator: ", ")
            return try APIError(.methodNotAllowed, "\(request.method) is not allowed here; this route answers \(allowed)", headers: [.allow: allowed])
                .response(from: request, context: context)
        } catch let error as HTTPError {
            return try APIError(error.status, Self.message(for: error), headers: error.headers).response(from: request, context: context)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            return try APIError(error.status, error.status.reasonPhrase).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, "internal error").response(from: request, context: context)
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
