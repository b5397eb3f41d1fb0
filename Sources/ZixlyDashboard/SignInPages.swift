import Foundation
import HTTPTypes
import Hummingbird
import ZixlyAPI
import ZixlyCore

/// `/login` and `/logout`: signing in with a user name and password or an API key, and out.
struct SignInPages: Sendable {
    let signIn: SignIn
    let pages: Pages

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("login", use: loginPage)
        routes.post("login", use: login)
        routes.post("logout", use: logout)
        return routes
    }

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.principal != nil { return Pages.redirect("/") }
        return pages.render("login", title: "Sign in", context: context)
    }

    /// Signs in with a user name and password, or with an API key (throttled; see `SignIn`).
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        try SignIn.requireSameOrigin(request)
        let form = FormFields(try await request.body.collect(upTo: 64 << 10))
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
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
        response.setCookie(Dashboard.sessionCookie(try await signIn.startSession(for: subject), maxAge: Int(Sessions.lifetime), request: request))
        return response
    }

    /// Signs out: every session of this identity ends, in every browser and replica.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.principal != nil, let subject = context.session?.subject { try await signIn.endSessions(of: subject) }
        var response = Pages.redirect("/login")
        response.setCookie(Dashboard.sessionCookie("", maxAge: 0, request: request))
        return response
    }
}
