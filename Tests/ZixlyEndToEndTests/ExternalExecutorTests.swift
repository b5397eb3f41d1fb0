import Foundation
import NIOHTTP1
import Testing
import ZixlyCore
import ZixlyTesting

/// `executor: "external"` against a fake of the original's trading API, run by a real `zixly up`.
@Suite("external trading API executor", .serialized)
struct ExternalExecutorTests {
    static let script = ZixlyProcess.packageRoot.appendingPathComponent("Tests/ZixlyEndToEndTests/Interop/fake_trading_api.py").path

    @Test(
        "a sweep sent to the trading API is submitted, polled and completes with its best result; a remote failure fails the job once; the built-in engine stays the default"
    )
    func externalSweeps() async throws {
        let directory = try TemporaryDirectory.make()
        let port = LoopbackPort.free()
        let requests = directory.appendingPathComponent("trading-api.jsonl")
        let fake = try PythonServer(script: Self.script, arguments: [String(port), "test-trading-key", requests.path])
        defer { withExtendedLifetime(fake) {} }

        let up = try await ProcessTests.start(
            "up", in: directory,
            extra: [
                "ZIXLY_TRADING_API_URL": "http://127.0.0.1:\(port)", "ZIXLY_TRADING_API_KEY": "test-trading-key",
                "ZIXLY_TRADING_API_POLL_MS": "100",
            ])
        let external = #"{"ticker":"AAPL","fast_range":[5,20],"slow_range":[30,60],"step":5,"executor":"external"}"#
        let id = try #require(try await HTTP.signedWebhook(up.baseURL, body: external, secret: ProcessTests.secret).json["job_id"]?.stringValue)
        let done = try await HTTP.waitForJob(up.baseURL, id, timeout: .seconds(30)) {
            ["completed", "failed"].contains($0["status"]?.stringValue ?? "")
        }
        #expect(done["status"] == "completed", "\(done.jsonText())")
        let summary = try await HTTP.send(.GET, up.baseURL + "/api/pipelines/\(id)", headers: ["Authorization": "Bearer \(ProcessTests.adminKey)"])
            .json["result_summary"]
        #expect(summary?["executor"] == "external" && summary?["remote_job_id"] == "sw_1")
        #expect(
            summary?["best"]?["sharpe_ratio"]?.doubleValue == 1.23 && summary?["best"]?["fast_period"] == 5 && summary?["best"]?["slow_period"] == 60)
        let sent = try String(contentsOf: requests, encoding: .utf8).split(separator: "\n").map { try JSONValue(jsonText: String($0)) }
        #expect(sent.first?["idempotency_key"]?.stringValue == id && sent.first?["body"]?["client_reference"]?.stringValue == id)
        #expect(sent.first?["body"]?["ticker"] == "AAPL" && sent.first?["body"]?["strategy_type"] == "SMA")

        let failing = #"{"ticker":"FAIL","fast_range":[5,20],"slow_range":[30,60],"executor":"external"}"#
        let failID = try #require(try await HTTP.signedWebhook(up.baseURL, body: failing, secret: ProcessTests.secret).json["job_id"]?.stringValue)
        let failed = try await HTTP.waitForJob(up.baseURL, failID, timeout: .seconds(30)) {
            ["completed", "failed"].contains($0["status"]?.stringValue ?? "")
        }
        #expect(failed["status"] == "failed" && failed["attempts"] == 1)
        #expect(failed["error_message"]?.stringValue?.contains("no data for FAIL") == true, "\(failed.jsonText())")

        let builtin = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#
        let localID = try #require(try await HTTP.signedWebhook(up.baseURL, body: builtin, secret: ProcessTests.secret).json["job_id"]?.stringValue)
        let local = try await HTTP.waitForJob(up.baseURL, localID, timeout: .seconds(30)) { $0["status"] == "completed" }
        #expect(local["result_summary"]?["total_combinations"] == 28)
        #expect(
            try String(contentsOf: requests, encoding: .utf8).split(separator: "\n").count == 2, "the built-in sweep never reached the trading API")

        up.signal(SIGTERM)
        #expect(await up.waitForExit(timeout: .seconds(30)) == 0)
    }
}
