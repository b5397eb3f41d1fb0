import Foundation
import Hummingbird
import ZixlyAPI
import ZixlyCore

/// `/account`: a signed-in user changes their password.
struct AccountPages: Sendable {
    let users: any UserStore
    let passwordHasher: PasswordHasher
    let signIn: SignIn
    let pages: Pages

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: account)
        routes.post("password", use: changePassword)
        return routes
    }

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.principal != nil else { return Pages.redirect("/login") }
        let notice = request.uri.queryParameters.get("notice") == "password-changed" ? "Password changed." : nil
        return pages.render("account", title: "Account", ["notice": notice ?? false, "errors": [String: String]()], context: context)
    }

    /// The current password, then a new one (12+ characters) twice.
    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        guard let username = principal.username, let found = try await users.user(named: username) else {
            throw APIError(.forbidden, "only a user signed in with a password can change it")
        }
        let form = FormFields(try await request.body.collect(upTo: 64 << 10))
        let new = form["new"] ?? ""
        var errors: [String: String] = [:]
        // The current password is checked as a sign-in is: throttled, on the hasher's pool.
        let address = signIn.clientAddress(request, context: context)
        if try await signIn.authenticate(.password(username: username, password: form["current"] ?? ""), address: address) == nil {
            errors["current"] = "is not your password"
        }
        if let problem = Passwords.problem(with: new) { errors["new"] = problem }
        if new != form["repeat"] { errors["repeat"] = "does not match the new password" }
        guard errors.isEmpty else {
            return pages.render(
                "account", title: "Account", ["error": "The password was not changed.", "errors": errors], context: context, status: .badRequest)
        }
        guard try await users.setPasswordHash(try await passwordHasher.hash(new), userID: found.user.id) else {
            return Pages.redirect("/login")
        }
        // Every other session of this user ends; this browser gets a new one.
        let subject = Sessions.Subject.user(id: found.user.id)
        try await signIn.endSessions(of: subject)
        var response = Pages.redirect("/account?notice=password-changed")
        response.setCookie(Dashboard.sessionCookie(try await signIn.startSession(for: subject), maxAge: Int(Sessions.lifetime), request: request))
        return response
    }
}
