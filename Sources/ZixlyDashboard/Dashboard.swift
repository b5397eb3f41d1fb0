import Foundation
import HTTPTypes
public import Hummingbird
public import ZixlyAPI
import ZixlyCore
import ZixlyQueue

/// The web dashboard: sign in, the jobs table, a job's page with its heatmap and results, the
/// sweep form, settings and the account page, each page group a route collection given only
/// what it uses. Pages are rendered on the server; the few scripts only add live updates and a
/// combination count, so every page works without JavaScript.
public enum Dashboard {
    /// Mounts every page group on `router`.
    public static func register(on router: Router<AppRequestContext>, services: APIServices) {
        let pages = Pages()
        router.addRoutes(SignInPages(signIn: services.signIn, pages: pages).endpoints)
        router.addRoutes(
            JobPages(
                queue: services.queue, results: services.results, jobTypes: services.jobTypes, artifacts: services.artifacts,
                aggregates: services.aggregates, pages: pages
            )
            .endpoints)
        router.addRoutes(
            TriggerPages(queue: services.queue, jobTypes: services.jobTypes, datasets: services.datasets, pages: pages).endpoints,
            atPath: "/trigger")
        router.addRoutes(
            DatasetPages(datasets: services.datasets, pages: pages, imports: services.datasetImportSlots).endpoints, atPath: "/datasets")
        router.addRoutes(
            SettingsPages(
                users: services.users, passwordHasher: services.passwordHasher, apiKeys: services.apiKeys,
                webhookEndpoints: services.webhookEndpoints, outboundPolicy: services.outboundPolicy,
                signingSecrets: services.signingSecrets, clock: services.queue.clock, pages: pages
            ).endpoints, atPath: "/settings")
        router.addRoutes(
            AccountPages(users: services.users, passwordHasher: services.passwordHasher, signIn: services.signIn, pages: pages).endpoints,
            atPath: "/account")
    }

    /// Errors as pages in the dashboard's layout, for browsers.
    public static var errorPages: some ErrorPageRenderer { ErrorPages(pages: Pages()) }

    /// The session cookie: HttpOnly, SameSite=Lax, for the whole site, Secure behind TLS.
    static func sessionCookie(_ value: String, maxAge: Int, request: Request) -> Cookie {
        Cookie(name: Sessions.cookieName, value: value, maxAge: maxAge, path: "/", secure: isHTTPS(request), httpOnly: true, sameSite: .lax)
    }

    static func isHTTPS(_ request: Request) -> Bool {
        request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}
