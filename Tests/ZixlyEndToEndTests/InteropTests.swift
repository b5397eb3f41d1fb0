import Foundation
import StandardWebhooks
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
#endif

/// Zixly and the reference Python Standard Webhooks library accept each other's signatures.
@Suite("Standard Webhooks interoperability (Python standardwebhooks)", .serialized)
struct InteropTests {
    static let script = ZixlyProcess.packageRoot.appendingPathComponent("Tests/ZixlyEndToEndTests/Interop/standardwebhooks_client.py").path

    static func python() throws -> String {
        try PythonTools.python(modules: ["standardwebhooks"], packages: ["standardwebhooks"])
    }

    @Test("a webhook signed by the Python library is accepted, replays are deduplicated, a wrong secret is refused")
    func pythonSignsZixlyVerifies() async throws {
        let python = try Self.python()
        let directory = try TemporaryDirectory.make()
        let api = try await ProcessTests.start("api", in: directory)
        let body = #"{"ticker":"SYNTH","fast_range":[5,20],"slow_range":[30,60],"step":5,"strategy_type":"EMA"}"#
        let secret = ProcessTests.secret.serialized
        let first = try Subprocess.run(python, [Self.script, "send", api.baseURL, secret, "msg_python_1", body])
        #expect(first.output.hasPrefix("202 "), "\(first.output)")
        let replay = try Subprocess.run(python, [Self.script, "send", api.baseURL, secret, "msg_python_1", body])
        #expect(replay.output.hasPrefix("200 "), "\(replay.output)")
        let jobID = try JSONValue(jsonText: String(first.output.dropFirst(4)))["job_id"]
        #expect(try JSONValue(jsonText: String(replay.output.dropFirst(4)))["job_id"] == jobID)
        let wrong = try Subprocess.run(python, [Self.script, "send", api.baseURL, WebhookSecret.generate().serialized, "msg_python_2", body])
        #expect(wrong.output.hasPrefix("401 "), "\(wrong.output)")
        api.signal(SIGTERM)
        _ = await api.waitForExit(timeout: .seconds(30))
    }

    @Test("a signature made by Zixly verifies with the Python library")
    func zixlySignsPythonVerifies() throws {
        let python = try Self.python()
        let secret = WebhookSecret.generate()
        let body = #"{"type":"job.completed","data":{"job_id":"42"}}"#
        let headers = Webhook(secrets: [secret]).sign(id: "msg_out_1", timestamp: Date(), body: Data(body.utf8))
        let result = try Subprocess.run(
            python,
            [
                Self.script, "verify", secret.serialized, "msg_out_1", headers["webhook-timestamp"]!, headers["webhook-signature"]!, body,
            ])
        #expect(result.status == 0 && result.output.contains("verified"), "\(result.output)")
    }
}
