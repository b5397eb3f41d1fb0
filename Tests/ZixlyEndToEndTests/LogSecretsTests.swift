import Foundation
import NIOHTTP1
import StandardWebhooks
import Testing
import ZixlyCore
import ZixlyTesting

/// No secret reaches the logs, at the most verbose level and through the error paths that are
/// most tempted to print one: a refused signature, a wrong API key, an SMTP login refused, an
/// outbound webhook to a dead endpoint, a database that cannot be reached.
@Suite("Secrets stay out of the logs", .serialized)
struct LogSecretsTests {
    static let sweep = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#

    @Test("webhook secret, API keys, endpoint secret, SMTP and database passwords never appear in any output")
    func noSecretInOutput() async throws {
        let directory = try TemporaryDirectory.make()
        let smtp = try SMTPTestServer(tls: true)  // accepts only zixly / letmein
        let smtpPassword = "SmtpPassw0rd" + Self.token()
        let up = try await ProcessTests.start(
            "up", in: directory,
            extra: [
                "ZIXLY_LOG_LEVEL": "trace", "ZIXLY_LOG_FORMAT": "json",
                "ZIXLY_SMTP_URL": "smtp://zixly:\(smtpPassword)@localhost:\(smtp.port)?starttls=required",
                "ZIXLY_SMTP_CA_FILE": smtp.certificate.path, "ZIXLY_NOTIFY_EMAIL": "ops@example.com",
                "ZIXLY_WEBHOOK_RETRY_SCHEDULE": "1s",
            ])
        let admin = ["Authorization": "Bearer \(ProcessTests.adminKey)", "Content-Type": "application/json"]

        // A key and an endpoint secret made through the API (each shown once, in its response).
        let key = try await HTTP.send(.POST, up.baseURL + "/api/keys", body: #"{"name":"ci","role":"editor"}"#, headers: admin)
        let apiKey = try #require(key.json["api_key"]?.stringValue, "\(key.json)")
        let deadPort = LoopbackPort.free()
        let endpoint = try await HTTP.send(
            .POST, up.baseURL + "/api/webhook-endpoints", body: #"{"url":"http://127.0.0.1:\#(deadPort)/hook"}"#, headers: admin)
        let endpointSecret = try #require(endpoint.json["secret"]?.stringValue, "\(endpoint.json)")

        // A sweep that completes (then: an email refused at AUTH, a delivery to a dead endpoint, retried).
        let accepted = try await HTTP.signedWebhook(up.baseURL, body: Self.sweep, secret: ProcessTests.secret)
        let id = try #require(accepted.json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(up.baseURL, id) { $0["status"] == "completed" }
        // Refusals: a webhook signed with another secret, a wrong key, the new key used beyond its role.
        #expect(try await HTTP.signedWebhook(up.baseURL, body: Self.sweep, secret: WebhookSecret.generate()).status == 401)
        #expect(try await HTTP.send(.GET, up.baseURL + "/api/pipelines", headers: ["Authorization": "Bearer \(apiKey)x"]).status == 401)
        #expect(try await HTTP.send(.GET, up.baseURL + "/api/keys", headers: ["Authorization": "Bearer \(apiKey)"]).status == 403)
        #expect(try await HTTP.send(.GET, up.baseURL + "/api/pipelines", headers: ["Authorization": "Bearer \(apiKey)"]).status == 200)
        try await Self.waitFor(in: up, "notification email not sent")
        try await Self.waitFor(in: up, "webhook attempt failed, will retry")

        // A database that cannot be reached, named by a URL with a password.
        let databasePassword = "DbPassw0rd" + Self.token()
        let broken = try await ZixlyProcess.run(
            ["api", "--port", String(LoopbackPort.free())],
            environment: ProcessTests.environment(
                directory,
                extra: [
                    "ZIXLY_DATABASE_URL": "postgres://zixly:\(databasePassword)@127.0.0.1:\(LoopbackPort.free())/zixly",
                    "ZIXLY_LOG_LEVEL": "trace",
                ]),
            directory: directory)
        #expect(broken.0 != 0, "an unreachable database stops the start")

        let output = [up.stdout, up.stderr, broken.1, broken.2].joined(separator: "\n")
        #expect(output.contains("notification email not sent") && output.contains("webhook rejected"), "the error paths ran")
        let secret = ProcessTests.secret.serialized
        let secrets = [
            "webhook secret": secret, "webhook secret's key": String(secret.dropFirst("whsec_".count)),
            "admin API key": ProcessTests.adminKey, "created API key": apiKey, "endpoint secret": endpointSecret,
            "endpoint secret's key": String(endpointSecret.dropFirst("whsec_".count)),
            "SMTP password": smtpPassword, "database password": databasePassword,
        ]
        for (what, value) in secrets {
            #expect(!output.contains(value), "the \(what) appears in the output")
        }
        #expect(output.count > 2_000, "trace-level logs were written")
    }

    static func waitFor(in process: ZixlyProcess, _ message: String) async throws {
        for _ in 0..<300 where !process.stderr.contains(message) { try await Task.sleep(for: .milliseconds(100)) }
        #expect(process.stderr.contains(message), "no \"\(message)\" line")
    }

    static func token() -> String { String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)) }
}
