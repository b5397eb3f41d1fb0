import Foundation
import HTTPTypes
public import Hummingbird
import SweepEngine
public import ZixlyAPI
import ZixlyCore
import ZixlyPipelines
import ZixlyQueue

/// The web dashboard at `/`: sign in with an API key, the jobs table, a job's detail with its
/// heatmap and results, and the sweep form. Pages are rendered on the server; the few scripts
/// only add live updates and a combination count, so every page works without JavaScript.
public struct DashboardController: Sendable {
    let services: APIServices
    let pages = Pages()
    static let pageSize = 20

    public init(services: APIServices) {
        self.services = services
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/", use: jobs)
        router.get("/login", use: loginPage)
        router.post("/login", use: login)
        router.post("/logout", use: logout)
        router.get("/jobs/:id", use: job)
        router.post("/jobs/:id/cancel", use: cancel)
        router.post("/jobs/:id/retry", use: retry)
        router.get("/trigger", use: triggerPage)
        router.post("/trigger", use: trigger)
        registerSettings(on: router)
        registerAccount(on: router)
    }

    // MARK: Signing in and out

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.principal != nil { return Pages.redirect("/") }
        return pages.render("login", title: "Sign in", context: context)
    }

    /// Signs in with a user name and password, or with an API key (throttled; see `SignIn`).
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        try SignIn.requireSameOrigin(request)
        let form = FormFields(try await request.body.collect(upTo: 64 << 10))
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let signIn = services.signIn
        let address = signIn.clientAddress(request, context: context)
        let subject: Sessions.Subject
        if !username.isEmpty {
            guard
                let found = try await signIn.authenticate(
                    .password(username: String(username.prefix(200)), password: form["password"] ?? ""), address: address)
            else {
                return pages.render(
                    "login", title: "Sign in", ["error": "Wrong user name or password.", "username": username], context: context,
                    status: .unauthorized)
            }
            subject = found
        } else {
            let key = (form["api_key"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let found = try await signIn.authenticate(.apiKey(key), address: address) else {
                return pages.render(
                    "login", title: "Sign in", ["error": "That API key is not valid (or was revoked)."], context: context, status: .unauthorized)
            }
            subject = found
        }
        var response = Pages.redirect("/")
        response.setCookie(Self.sessionCookie(try await signIn.startSession(for: subject), maxAge: Int(Sessions.lifetime), request: request))
        return response
    }

    /// Signs out: every session of this identity ends, in every browser and replica.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.principal != nil, let subject = context.session?.subject { try await services.signIn.endSessions(of: subject) }
        var response = Pages.redirect("/login")
        response.setCookie(Self.sessionCookie("", maxAge: 0, request: request))
        return response
    }

    /// The session cookie: HttpOnly, SameSite=Lax, for the whole site, Secure behind TLS.
    static func sessionCookie(_ value: String, maxAge: Int, request: Request) -> Cookie {
        Cookie(name: Sessions.cookieName, value: value, maxAge: maxAge, path: "/", secure: isHTTPS(request), httpOnly: true, sameSite: .lax)
    }

    // MARK: Jobs

    @Sendable func jobs(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        let query = request.uri.queryParameters
        let state = query.get("status").flatMap { JobState(rawValue: $0) }
        let jobType = query.get("job_type").flatMap { $0.isEmpty ? nil : $0 }
        let offset = max(0, query.get("offset").flatMap { Int($0) } ?? 0)
        let page = try await services.queue.jobs(
            matching: JobFilter(state: state, jobType: jobType, tenant: principal.tenant),
            page: PageRequest(limit: Self.pageSize, offset: offset))
        let now = services.queue.clock.now()
        func url(_ path: String = "/", offset: Int, limit: Int? = nil) -> String {
            var items = [URLQueryItem]()
            if let state { items.append(URLQueryItem(name: "status", value: state.rawValue)) }
            if let jobType { items.append(URLQueryItem(name: "job_type", value: jobType)) }
            if offset > 0 { items.append(URLQueryItem(name: "offset", value: String(offset))) }
            if let limit { items.append(URLQueryItem(name: "limit", value: String(limit))) }
            var components = URLComponents()
            components.path = path
            components.queryItems = items.isEmpty ? nil : items
            return components.string ?? path
        }
        let values: [String: Any] = [
            "jobs": page.items.map { JobView($0, principal: principal, now: now).values },
            "total": page.total,
            "filtered": state != nil || jobType != nil,
            "statuses": [["value": "", "label": "Any", "selected": state == nil]]
                + JobState.allCases.map { ["value": $0.rawValue, "label": $0.rawValue, "selected": $0 == state] },
            "jobTypes": [["value": "", "label": "Any", "selected": jobType == nil]]
                + [TradingSweepPipeline.jobType, NoopHandler.jobType].map { ["value": $0, "label": $0, "selected": $0 == jobType] },
            "previousURL": offset > 0 ? url(offset: max(0, offset - Self.pageSize)) : false,
            "nextURL": page.hasMore ? url(offset: offset + Self.pageSize) : false,
            "refreshURL": url(offset: offset),
            "streamURL": url("/api/pipelines/events", offset: offset, limit: Self.pageSize),
            "notice": Self.notice(query.get("notice")) ?? false,
        ]
        return pages.render("jobs", title: "Jobs", values, context: context)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(request, context: context) { id in
            switch try await services.queue.cancel(id) {
            case .cancelled, .cancelRequested: "cancel-requested"
            case .alreadyFinal: "already-final"
            case .notFound: "not-found"
            }
        }
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await change(request, context: context) { id in
            try await services.queue.retry(id) == nil ? "not-retryable" : "retried"
        }
    }

    /// A cancel or retry from a form: editors only, on the tenant's own jobs; back to the job's page.
    private func change(_ request: Request, context: AppRequestContext, _ action: (JobID) async throws -> String) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        guard principal.role >= .editor else { throw APIError(.forbidden, "this action needs the editor role; you have \(principal.role.rawValue)") }
        let job = try await ownedJob(context, principal: principal)
        let notice = try await action(job.id)
        return Pages.redirect("/jobs/\(job.id.rawValue)?notice=\(notice)")
    }

    /// The `{id}` job of the principal's tenant; 404 for any other (or none).
    func ownedJob(_ context: AppRequestContext, principal: Principal) async throws -> Job {
        guard let job = try await services.queue.job(try context.parameters.jobID()), job.tenant == principal.tenant else {
            throw APIError.notFound("job")
        }
        return job
    }

    static func notice(_ code: String?) -> String? {
        switch code {
        case "cancel-requested": "Cancel requested: a queued job stops at once, a running one at its next checkpoint."
        case "already-final": "The job had already ended."
        case "retried": "The job is queued again."
        case "not-retryable": "Only failed or cancelled jobs can be retried."
        case "queued": "Sweep queued."
        default: nil
        }
    }

    static func isHTTPS(_ request: Request) -> Bool {
        request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}
