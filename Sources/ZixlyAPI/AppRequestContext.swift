public import Hummingbird
public import ZixlyCore

/// Who made a request, once the API key checked out.
public struct Principal: Sendable, Equatable {
    public var keyID: String
    public var role: Role
    public var tenant: String
    /// Set for a dashboard user (signed in with a password).
    public var username: String?

    public init(keyID: String, role: Role, tenant: String, username: String? = nil) {
        self.keyID = keyID
        self.role = role
        self.tenant = tenant
        self.username = username
    }
}

/// Per-request state: the authenticated principal (for `/api` routes).
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// Set when the request came from a signed-in dashboard session.
    public var session: SessionState?
    /// The peer's IP address as the socket sees it ("unknown" when there is none, as in router tests).
    public let peerAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// DESIGN §3: bodies over 1 MiB get 413.
    public static let bodyLimit = 1 << 20
    public var maxUploadSize: Int { Self.bodyLimit }

    /// The principal, if it has at least `role`.
    /// - Throws: `APIError` 401 without a principal, 403 with too small a role.
    public func require(_ role: Role) throws -> Principal {
        guard let principal else { throw APIError.unauthorized("missing or invalid API key") }
        guard principal.role >= role else {
            throw APIError(.forbidden, "this action needs the \(role.rawValue) role; your key has \(principal.role.rawValue)")
        }
        return principal
    }
}

extension AppRequestContext {
    /// The matched route's template (`/api/pipelines/{id}`, Hummingbird's `NotFound` when nothing
    /// matched), never the raw path: what metrics label and spans are named by.
    var routeTemplate: String { endpointPath ?? "unmatched" }

    /// The status a client gets for an error that escaped the handlers (500 unless it carries one).
    static func statusCode(of error: any Error) -> Int {
        (error as? any HTTPResponseError)?.status.code ?? 500
    }
}
