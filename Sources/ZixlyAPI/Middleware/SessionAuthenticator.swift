import Foundation
import HTTPTypes
public import Hummingbird
import ZixlyCore

/// Signs a request in from its dashboard session cookie when it carries no API key. A session
/// never authorizes a change through `/api` or `/webhook` (those take API keys); any other
/// change (the dashboard's forms) must carry the session's CSRF token as `_csrf`, or gets 403: in
/// the form's fields, or for a multipart upload (a file, streamed, never read whole here) in the
/// form's action URL.
/// A forged, expired or ended session (signed out, password changed, user disabled, key revoked)
/// is no session.
struct SessionAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: Sessions
    let keys: KeyPrincipals
    let users: any UserStore
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.principal == nil, request.headers[.authorization] == nil,
            let cookie = request.cookies[Sessions.cookieName]?.value,
            let session = sessions.verify(cookie, now: clock.now()),
            let principal = try await principal(for: session)
        else { return try await next(request, context) }
        var context = context
        let csrfToken = sessions.csrfToken(for: session)
        context.session = SessionState(csrfToken: csrfToken, subject: Sessions.Subject(session.subject))
        guard Self.isUnsafe(request.method) else {
            context.principal = principal
            return try await next(request, context)
        }
        let path = request.uri.path
        if path.hasPrefix("/api/") || path.hasPrefix("/webhook/") || path == "/login" {
            return try await next(request, context)  // without a principal: API keys only; signing in again replaces the session
        }
        if Self.isMultipart(request) {
            guard let sent = request.uri.queryParameters.get("_csrf").map({ String($0) }), APIKeys.constantTimeEqual(sent, csrfToken) else {
                throw APIError(.forbidden, "missing or invalid CSRF token; reload the page and try again")
            }
            context.principal = principal
            return try await next(request, context)
        }
        var request = request
        let body = try await RequestBody.bytes(request, context: context)
        request.body = .init(buffer: body)
        guard let sent = FormFields(body)["_csrf"], APIKeys.constantTimeEqual(sent, csrfToken) else {
            throw APIError(.forbidden, "missing or invalid CSRF token; reload the page and try again")
        }
        context.principal = principal
        return try await next(request, context)
    }

    /// The session's user or key, looked up again: disabling or revoking it ends its sessions, and
    /// so does a newer session generation (a sign-out or password change anywhere).
    private func principal(for session: Sessions.Session) async throws -> Principal? {
        guard try await users.sessionGeneration(of: session.subject) == session.generation else { return nil }
        switch Sessions.Subject(session.subject) {
        case .apiKey(let hash)?:
            return try await keys.principal(forKeyHash: hash)
        case .user(let id)?:
            guard let user = try await users.user(id: id) else { return nil }
            return Principal(keyID: "user:\(user.id)", role: user.role, tenant: user.tenant, username: user.username)
        case nil:
            return nil
        }
    }

    static func isMultipart(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    static func isUnsafe(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options].contains(method)
    }
}

/// The signed-in browser's session, for pages to put its CSRF token into their forms.
public struct SessionState: Sendable, Equatable {
    public var csrfToken: String
    /// Who the session is for (what signing out ends).
    public var subject: Sessions.Subject?
}

/// `application/x-www-form-urlencoded` fields (the last value of a repeated name wins).
public struct FormFields: Sendable {
    public let values: [String: String]

    public init(_ buffer: ByteBuffer) {
        self.init(String(buffer: buffer))
    }

    public init(_ text: String) {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            guard let name = parts.first else { continue }
            values[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.values = values
    }

    public subscript(_ name: String) -> String? { values[name] }
}
