import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StandardWebhooks
import Testing
import ZixlyCore
import ZixlyTesting

/// The hardening that the router tests prove, once more through a real `zixly up` whose secrets
/// come from files: idempotency namespaces and caps, login CSRF, and server-side sign-out.
@Suite("Hardening through a real process", .serialized)
struct HardeningProcessTests {
    @Test("secrets from _FILE; webhook ids and API keys apart and capped; cross-site sign-in refused; sign-out ends every session")
    func endToEnd() async throws {
        let directory = try TemporaryDirectory.make()
        let keyFile = directory.appendingPathComponent("admin-key")
        let secretFile = directory.appendingPathComponent("webhook-secrets")
        try (ProcessTests.adminKey + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        try (ProcessTests.secret.serialized + "\n").write(to: secretFile, atomically: true, encoding: .utf8)
        // The environment names only the files: `environment` sets the plain variables, so empty them.
        let up = try await ProcessTests.start(
            "up", in: directory,
            extra: [
                "ZIXLY_ADMIN_API_KEY": "", "ZIXLY_WEBHOOK_SECRETS": "",
                "ZIXLY_ADMIN_API_KEY_FILE": keyFile.path, "ZIXLY_WEBHOOK_SECRETS_FILE": secretFile.path,
            ])
        let bearer = ["Authorization": "Bearer \(ProcessTests.adminKey)", "Content-Type": "application/json"]

        // Idempotency: one text, two namespaces; a key over 255 bytes is refused.
        let api = try await HTTP.send(
            .POST, up.baseURL + "/api/pipelines",
            body: #"{"job_type":"trading-sweep","ticker":"GOOG","config":{"fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}}"#,
            headers: bearer.merging(["Idempotency-Key": "K-1"]) { $1 })
        #expect(api.status == 201, "the admin key from its file works: \(api.json)")
        let body = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#
        let webhook = try await HTTP.signedWebhook(up.baseURL, body: body, secret: ProcessTests.secret, id: "K-1")
        #expect(webhook.status == 202 && webhook.json["job_id"] != api.json["job"]?["id"], "the secret from its file verifies; a new job")
        let long = try await HTTP.signedWebhook(up.baseURL, body: body, secret: ProcessTests.secret, id: String(repeating: "x", count: 256))
        #expect(long.status == 400 && long.json["details"]?["webhook-id"] != nil)
        let other = try await HTTP.signedWebhook(
            up.baseURL, body: body.replacingOccurrences(of: "\"step\":5", with: "\"step\":10"),
            secret: ProcessTests.secret, id: "K-1")
        #expect(other.status == 409 && other.json["details"]?["job_id"] == webhook.json["job_id"])

        // Sign-in: a cross-site form is refused; a same-site one works, and signing out ends its twin.
        let evil = try await SignInFloodTests.post(up.baseURL + "/login", form: "api_key=\(ProcessTests.adminKey)", origin: "https://evil.example")
        #expect(evil.status == 403 && evil.headers.first(name: "set-cookie") == nil)
        func signIn() async throws -> String {
            let answer = try await SignInFloodTests.post(up.baseURL + "/login", form: "api_key=\(ProcessTests.adminKey)", origin: up.baseURL)
            return try #require(answer.headers.first(name: "set-cookie")?.split(separator: ";").first.map(String.init))
        }
        let (first, second) = (try await signIn(), try await signIn())
        let page = try await SignInFloodTests.get(up.baseURL + "/", cookie: first)
        let csrf = try #require(page.range(of: #"name="_csrf" value=""#).map { String(page[$0.upperBound...].prefix { $0 != "\"" }) })
        #expect(try await SignInFloodTests.post(up.baseURL + "/logout", form: "_csrf=\(csrf)", cookie: first).status == 303)
        let afterwards = try await SignInFloodTests.getStatus(up.baseURL + "/", cookie: second)
        #expect(afterwards == 303, "the other browser's session ended too")
    }
}
