import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import ZixlyAPI
import ZixlyApp
import ZixlyCore
import ZixlyTesting

/// Signing in cannot be turned against the server or its users: throttled, same-origin only,
/// weak hashes upgraded, sessions ended server-side.
@Suite("Sign-in hardening")
struct SignInTests {
    static func addUser(_ app: TestApp, _ name: String, password: String, logN: Int = TestApp.passwordCost) async throws -> UserAccount {
        let user = UserAccount(id: UUID().uuidString.lowercased(), username: name, role: .editor, tenant: NewJob.defaultTenant, createdAt: Date())
        #expect(try await app.stores.users.create(user, passwordHash: try Passwords.hash(password, logN: logN)))
        return user
    }

    static func login(_ client: any TestClientProtocol, _ body: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers.append(contentsOf: extra)
        return try await client.execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func cookie(_ response: TestResponse) -> String? {
        response.headers[.setCookie].map { String($0.split(separator: ";")[0]) }
    }

    /// Router tests have no `Host`; the same check reads `X-Forwarded-Host` (set by a proxy).
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    @Test("a sign-in form from another site is refused with 403; the same origin and non-browser clients pass")
    func loginCSRF() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let key = "api_key=\(TestApp.adminKey)"
            let evil = try await Self.login(client, key, headers: [.origin: "https://evil.example", Self.forwardedHost: "127.0.0.1:8080"])
            evil.expectError(.forbidden)
            #expect(evil.headers[.setCookie] == nil && evil.json["error"]?.stringValue?.contains("evil.example") == true)
            let crossSite = try await Self.login(client, key, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            crossSite.expectError(.forbidden)
            try await Self.login(client, key, headers: [.origin: "null"]).expectError(.forbidden)
            let otherPort = try await Self.login(client, key, headers: [.origin: "http://127.0.0.1:9999", Self.forwardedHost: "127.0.0.1:8080"])
            otherPort.expectError(.forbidden)

            let same = try await Self.login(
                client, key,
                headers: [.origin: "http://127.0.0.1:8080", Self.forwardedHost: "127.0.0.1:8080", HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(same.status == .seeOther && Self.cookie(same) != nil)
            #expect(try await Self.login(client, key).status == .seeOther, "no Origin (curl): allowed")
        }
    }

    @Test("wrong passwords lock the account with 429 and Retry-After, even for the right password; unknown names lock alike")
    func throttled() async throws {
        // Locks of 10 minutes: a loaded machine cannot outlast them between two requests.
        let app = try await TestApp {
            $0.signInThrottle.accountFreeFailures = 3
            $0.signInThrottle.firstDelay = .seconds(600)
        }
        _ = try await Self.addUser(app, "grace", password: "a long passphrase")
        try await app.test { client in
            for _ in 0..<3 {
                #expect(try await Self.login(client, "username=grace&password=wrong+one+here").status == .unauthorized)
            }
            #expect(try await Self.login(client, "username=grace&password=wrong+one+here").status == .unauthorized, "the 4th is checked, then locks")
            let locked = try await Self.login(client, "username=grace&password=a+long+passphrase")
            locked.expectError(.tooManyRequests)
            #expect(Int(locked.headers[.retryAfter] ?? "") ?? 0 > 590 && Self.cookie(locked) == nil)

            for _ in 0..<4 { _ = try await Self.login(client, "username=nobody&password=wrong+one+here") }
            let unknown = try await Self.login(client, "username=nobody&password=wrong+one+here")
            unknown.expectError(.tooManyRequests)
            #expect(Int(unknown.headers[.retryAfter] ?? "") ?? 0 > 590, "an unknown name is throttled exactly like a real one")
        }
    }

    @Test("an unknown user name costs a password check, like a wrong password")
    func unknownUserTiming() async throws {
        let app = try await TestApp {
            $0.signInThrottle.accountFreeFailures = 100
            $0.signInThrottle.addressFreeFailures = 100
        }
        _ = try await Self.addUser(app, "grace", password: "a long passphrase")
        try await app.test { client in
            func median(_ body: String) async throws -> Duration {
                var times: [Duration] = []
                for _ in 0..<5 {
                    let start = ContinuousClock.now
                    #expect(try await Self.login(client, body).status == .unauthorized)
                    times.append(ContinuousClock.now - start)
                }
                return times.sorted()[2]
            }
            let known = try await median("username=grace&password=wrong+one+here")
            let unknown = try await median("username=nobody&password=wrong+one+here")
            // Before: an unknown name answered in 2 ms, a known one in 80-98 ms.
            #expect(unknown > known / 3, "known \(known), unknown \(unknown)")
        }
    }

    @Test("a stored hash below the current cost is replaced at the next sign-in")
    func upgradesHash() async throws {
        let app = try await TestApp()
        let user = try await Self.addUser(app, "ada", password: "a long passphrase", logN: 10)
        try await app.test { client in
            let signedIn = try await Self.login(client, "username=ada&password=a+long+passphrase")
            #expect(signedIn.status == .seeOther)
        }
        let stored = try #require(try await app.stores.users.user(named: "ada"))
        #expect(stored.user.id == user.id && stored.passwordHash.hasPrefix("scrypt$\(TestApp.passwordCost)$8$1$"))
        #expect(Passwords.verify("a long passphrase", against: stored.passwordHash))
    }

    @Test("signing out ends every session of that identity; a password change ends the others and keeps this one")
    func sessionsEndServerSide() async throws {
        let app = try await TestApp()
        _ = try await Self.addUser(app, "grace", password: "a long passphrase")
        try await app.test { client in
            func signIn(_ body: String) async throws -> (cookie: String, csrf: String) {
                let cookie = try #require(Self.cookie(try await Self.login(client, body)))
                let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
                return (cookie, try #require(DashboardTests.csrf(in: page.text)))
            }
            func signedIn(_ cookie: String) async throws -> Bool {
                try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).status == .ok
            }
            // Two browsers with the admin key; signing out in one ends both. Another identity stays.
            let first = try await signIn("api_key=\(TestApp.adminKey)")
            let second = try await signIn("api_key=\(TestApp.adminKey)")
            let grace = try await signIn("username=grace&password=a+long+passphrase")
            let out = try await DashboardTests.form(client, "/logout", cookie: first.cookie, "_csrf=\(first.csrf)")
            #expect(out.status == .seeOther)
            #expect(try await !signedIn(first.cookie))
            #expect(try await !signedIn(second.cookie), "the kept cookie is dead too")
            #expect(try await signedIn(grace.cookie))
            #expect(try await signedIn(try await signIn("api_key=\(TestApp.adminKey)").cookie), "signing in again works")

            // Grace changes her password in one browser: the other session ends, this one goes on.
            let other = try await signIn("username=grace&password=a+long+passphrase")
            let changed = try await DashboardTests.form(
                client, "/account/password", cookie: grace.cookie,
                "_csrf=\(grace.csrf)&current=a+long+passphrase&new=a+newer+passphrase&repeat=a+newer+passphrase")
            #expect(changed.status == .seeOther)
            let renewed = try #require(Self.cookie(changed))
            #expect(try await signedIn(renewed))
            #expect(try await !signedIn(other.cookie))
            #expect(try await !signedIn(grace.cookie))
        }
    }
}
