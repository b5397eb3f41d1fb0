import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
    import NIOHTTP1
#endif

@Suite("zixly notifies by email and signed webhooks", .serialized)
struct NotificationProcessTests {
    @Test("a completed sweep emails its best result; a half-configured relay stops start-up in one line")
    func completionEmail() async throws {
        let server = try SMTPTestServer(tls: false)
        let directory = try TemporaryDirectory.make()
        let (status, _, errors) = try await ZixlyProcess.run(
            ["up"], environment: ProcessTests.environment(directory, extra: ["ZIXLY_NOTIFY_EMAIL": "ops@example.com"]), directory: directory)
        #expect(status == 2 && errors.contains("ZIXLY_SMTP_URL"), "\(errors)")

        let up = try await ProcessTests.start(
            "up", in: directory,
            extra: [
                "ZIXLY_SMTP_URL": "smtp://127.0.0.1:\(server.port)?starttls=never", "ZIXLY_NOTIFY_EMAIL": "ops@example.com, quant@example.com",
                "ZIXLY_SMTP_FROM": "Zixly <zixly@example.com>",
            ])
        let body = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#
        let id = try #require(try await HTTP.signedWebhook(up.baseURL, body: body, secret: ProcessTests.secret).json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(up.baseURL, id, timeout: .seconds(60)) { $0["status"] == "completed" }
        var messages: [[String: Any]] = []
        for _ in 0..<100 where messages.isEmpty {
            messages = try server.messages()
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(messages.count == 1)
        #expect(messages.first?["subject"] as? String == "✅ Trading Sweep Complete - GOOG - Best Result")
        #expect(messages.first?["to"] as? [String] == ["ops@example.com", "quant@example.com"])
        #expect((messages.first?["body"] as? String)?.contains(id) == true)
        up.signal(SIGTERM)
        #expect(await up.waitForExit(timeout: .seconds(30)) == 0)
    }

    @Test("a finished sweep is posted, signed, to subscribed endpoints; a dead endpoint is retried and logged, never holding the job")
    func outboundWebhooks() async throws {
        let directory = try TemporaryDirectory.make()
        let up = try await ProcessTests.start(
            "up", in: directory,
            extra: [
                "ZIXLY_WEBHOOK_RETRY_SCHEDULE": "200ms,200ms,200ms,200ms", "ZIXLY_WEBHOOK_TIMEOUT_SECONDS": "1",
            ])
        let admin = ["Authorization": "Bearer \(ProcessTests.adminKey)", "Content-Type": "application/json"]
        let port = LoopbackPort.free()
        let live = try await HTTP.send(
            .POST, up.baseURL + "/api/webhook-endpoints", body: #"{"url":"http://127.0.0.1:\#(port)/ok","events":["job.completed"]}"#, headers: admin)
        #expect(live.status == 201)
        let receiver = try WebhookReceiver(secret: try #require(live.json["secret"]?.stringValue), port: port)
        let dead = try await HTTP.send(.POST, up.baseURL + "/api/webhook-endpoints", body: #"{"url":"http://127.0.0.1:9/down"}"#, headers: admin)
        let deadID = try #require(dead.json["endpoint"]?["id"]?.stringValue)

        let body = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#
        let id = try #require(try await HTTP.signedWebhook(up.baseURL, body: body, secret: ProcessTests.secret).json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(up.baseURL, id, timeout: .seconds(60)) { $0["status"] == "completed" }
        var received: [WebhookReceiver.Request] = []
        for _ in 0..<100 where received.isEmpty {
            received = try receiver.requests()
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(received.count == 1 && received.first?.verified == true)
        let payload = try JSONValue(jsonText: try #require(received.first?.body))
        #expect(payload["type"] == "job.completed" && payload["data"]?["id"]?.stringValue == id)

        var deadLog: JSONValue = .null
        for _ in 0..<100 {
            deadLog =
                try await HTTP.send(.GET, up.baseURL + "/api/webhook-endpoints/\(deadID)/deliveries", headers: admin).json["deliveries"]?.arrayValue?
                .first ?? .null
            if deadLog["status"] == "failed" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(deadLog["status"] == "failed" && deadLog["attempts"] == 5 && deadLog["last_status_code"] == .null, "\(deadLog)")
        up.signal(SIGTERM)
        #expect(await up.waitForExit(timeout: .seconds(30)) == 0)
    }
}
