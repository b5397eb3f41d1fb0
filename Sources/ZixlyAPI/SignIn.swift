import Foundation
import HTTPTypes
public import Hummingbird
public import ZixlyCore

/// Signing in to the dashboard, hardened against being used on the server: throttled per account
/// and per address (429 with `Retry-After`), passwords checked on `PasswordHasher`'s bounded pool,
/// unknown names costing as much as wrong passwords, weak stored hashes replaced on success, and
/// cross-site sign-in forms refused (login CSRF).
public struct SignIn: Sendable {
    public struct Configuration: Sendable {
        /// Take the client's address from the last `X-Forwarded-For` entry (set by the one proxy in
        /// front, `ZIXLY_TRUST_FORWARDED_FOR`). Default false: the socket's peer.
        public var trustForwardedFor = false
        /// How long a refused sign-in (429) is held before it is answered: a flood's clients then
        /// each cost the server one sleeping task a second, not a request loop. Default 1 s.
        public var refusalDelay: Duration = .seconds(1)
        public init() {}
    }

    public enum Credentials: Sendable {
        case password(username: String, password: String)
        case apiKey(String)
    }

    let users: any UserStore
    let keys: KeyPrincipals
    let hasher: PasswordHasher
    let throttle: SignInThrottle
    let sessions: Sessions
    let configuration: Configuration
    let clock: any WallClock

    public init(
        users: any UserStore, keys: KeyPrincipals, hasher: PasswordHasher, throttle: SignInThrottle, sessions: Sessions,
        configuration: Configuration, clock: any WallClock
    ) {
        (self.users, self.keys, self.hasher, self.throttle, self.sessions) = (users, keys, hasher, throttle, sessions)
        (self.configuration, self.clock) = (configuration, clock)
    }

    /// Who the credentials sign in as, or nil if they are wrong.
    /// - Throws: `APIError` 429 (with `Retry-After`) while the account or the address is locked, or
    ///   while too many sign-ins wait for a password check.
    public func authenticate(_ credentials: Credentials, address: String) async throws -> Sessions.Subject? {
        let account: String? = if case .password(let username, _) = credentials { username } else { nil }
        let attempt = SignInThrottle.Attempt(account: account, address: address)
        let refuseIfLocked: @Sendable () throws -> Void = { [throttle, clock] in
            if let wait = throttle.wait(before: attempt, now: clock.now()) {
                throw APIError.tooManyRequests("too many failed sign-ins; try again in \(Int(wait.rounded(.up))) s", retryAfter: wait)
            }
        }
        do {
            try refuseIfLocked()
            // Checked again when a hasher is free: the account may have locked while this waited.
            let subject = try await check(credentials, beforeHashing: refuseIfLocked)
            if subject == nil { throttle.recordFailure(attempt, now: clock.now()) } else { throttle.recordSuccess(attempt) }
            return subject
        } catch let error as APIError where error.status == .tooManyRequests {
            try? await Task.sleep(for: configuration.refusalDelay)
            throw error
        }
    }

    private func check(_ credentials: Credentials, beforeHashing: @escaping @Sendable () throws -> Void) async throws -> Sessions.Subject? {
        switch credentials {
        case .password(let username, let password):
            let found = try await users.user(named: username)
            guard case .match(let rehashed) = try await hasher.verify(password, against: found?.passwordHash, beforeHashing: beforeHashing),
                let found
            else { return nil }
            if let rehashed { _ = try await users.setPasswordHash(rehashed, userID: found.user.id) }
            return .user(id: found.user.id)
        case .apiKey(let key):
            let hash = APIKeys.hash(key)
            guard !key.isEmpty, try await keys.principal(forKeyHash: hash) != nil else { return nil }
            return .apiKey(hash: hash)
        }
    }

    /// A new session cookie value for `subject`, valid until its sessions are next ended.
    public func startSession(for subject: Sessions.Subject) async throws -> String {
        sessions.issue(subject: subject, generation: try await users.sessionGeneration(of: subject.text), now: clock.now())
    }

    /// Ends every session of `subject`, in every replica.
    public func endSessions(of subject: Sessions.Subject) async throws {
        _ = try await users.endSessions(of: subject.text)
    }

    /// The client's address: the socket's peer, or the last `X-Forwarded-For` entry behind a trusted proxy.
    public func clientAddress(_ request: Request, context: AppRequestContext) -> String {
        guard configuration.trustForwardedFor, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        else { return context.peerAddress }
        return String(last.prefix(64))
    }

    /// Refuses a sign-in form posted from another site (login CSRF): a browser says where a form
    /// came from in `Sec-Fetch-Site` and `Origin`. Requests with neither (curl, scripts) pass.
    /// - Throws: `APIError` 403 for a cross-site form.
    public static func requireSameOrigin(_ request: Request) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased() {
            guard site == "same-origin" || site == "none" else {
                throw APIError(.forbidden, "sign-in from another site (Sec-Fetch-Site: \(site)) is refused; open the sign-in page of this server")
            }
        }
        guard let origin = request.headers[.origin] else { return }
        let hosts = [request.head.authority, request.headers[HTTPField.Name("X-Forwarded-Host")!]].compactMap { $0?.lowercased() }
        guard let url = URLComponents(string: origin), let host = url.host?.lowercased(), ["http", "https"].contains(url.scheme ?? ""),
            hosts.contains(where: { Self.sameAuthority($0, host: host, port: url.port, scheme: url.scheme ?? "http") })
        else {
            throw APIError(.forbidden, "sign-in from another origin (\(origin.prefix(200))) is refused; open the sign-in page of this server")
        }
    }

    /// Whether a `Host` value names the origin's host and port (a missing port is the scheme's default).
    static func sameAuthority(_ hostHeader: String, host: String, port: Int?, scheme: String) -> Bool {
        let defaultPort = scheme == "https" ? 443 : 80
        guard let parsed = URLComponents(string: "http://" + hostHeader), let headerHost = parsed.host?.lowercased() else { return false }
        return headerHost == host && (parsed.port ?? defaultPort) == (port ?? defaultPort)
    }
}
