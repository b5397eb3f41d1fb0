import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
import Glibc
#endif

@Suite("zixly sends email", .serialized)
struct NotificationProcessTests {
    @Test("a completed sweep emails its best result; a half-configured relay stops start-up in one line")
    func completionEmail() async throws {
        let server = try SMTPTestServer(tls: false)
        let directory = try TemporaryDirectory.make()
        let (status, _, errors) = try await ZixlyProcess.run(
            ["up"], environment: ProcessTests.environment(directory, extra: ["ZIXLY_NOTIFY_EMAIL": "ops@example.com"]), directory: directory)
        #expect(status == 2 && errors.contains("ZIXLY_SMTP_URL"), "\(errors)")

        let up = try await ProcessTests.start("up", in: directory, extra: [
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
}
