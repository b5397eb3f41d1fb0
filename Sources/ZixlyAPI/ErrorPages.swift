public import Hummingbird

/// Renders an error as an HTML page for a browser, where the API would answer JSON. The dashboard
/// provides one; `ErrorMiddleware` uses it for requests that ask for HTML outside the API.
public protocol ErrorPageRenderer: Sendable {
    func page(for error: APIError, request: Request, context: AppRequestContext) -> Response
}

extension Request {
    /// A browser's request for a page: it accepts HTML and is not for the API, a webhook or an
    /// operations endpoint (their clients always get JSON).
    var wantsErrorPage: Bool {
        let path = uri.path
        let machinePaths = ["/api/", "/webhook", "/health", "/ready", "/metrics"]
        guard !machinePaths.contains(where: { path.hasPrefix($0) }) else { return false }
        return headers[.accept]?.contains("text/html") == true
    }
}
