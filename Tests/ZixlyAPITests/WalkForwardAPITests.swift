import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyTesting

@Suite("Walk-forward through the API")
struct WalkForwardAPITests {
    static let grid = #""fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10"#

    @Test("a sweep with walk_forward reports its folds, efficiency and stability; the folds and the stitched curve are at /walk-forward")
    func folds() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            let body = #"{"job_type":"trading-sweep","ticker":"SYNTH","config":{\#(Self.grid),"walk_forward":{"train_bars":504,"test_bars":252}}}"#
            let created = try await client.post("/api/pipelines", body, headers: TestApp.bearer(json: true))
            let id = try #require(created.json["job"]?["id"]?.stringValue, "\(created.text)")
            let job = try await client.waitUntilFinal(id)
            #expect(job["status"] == "completed", "\(job)")
            let summary = try #require(job["result_summary"]?["walk_forward"])
            #expect(summary["folds"] == 8 && summary["train_bars"] == 504 && summary["test_bars"] == 252 && summary["anchored"] == false)
            #expect(summary["distinct_choices"]?.intValue.map { (1...8).contains($0) } == true && summary["efficiency"] != nil)

            let detail = try await client.get("/api/pipelines/\(id)/walk-forward")
            #expect(detail.status == .ok)
            let folds = detail.json["folds"]?.arrayValue ?? []
            #expect(folds.count == 8)
            #expect(folds.first?["train"]?["bars"] == 504 && folds.first?["test"]?["bars"] == 252)
            #expect(folds.allSatisfy { $0["out_of_sample"]?["total_return_pct"] != nil })
            #expect(detail.json["curve"]?["dates"]?.arrayValue?.count == 2016 && detail.json["curve"]?["strategy"]?.arrayValue?.count == 2016)

            let (cookie, _) = try await DashboardTests.signIn(client)
            let page = try await client.execute(uri: "/jobs/\(id)", method: .get, headers: [.cookie: cookie])
            #expect(page.text.contains("id=\"folds-table\"") && page.text.contains("Walk-forward efficiency"))
            #expect(page.text.components(separatedBy: "<tr><td>").count - 1 >= 8, "a row per fold")
        }
    }

    @Test("walk_forward is checked against the data: malformed, too long a training window, too many folds; a sweep without it has no /walk-forward")
    func refusals() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            for (plan, message) in [
                (#"{"train_bars":1,"test_bars":5}"#, "must be {"), (#"{"train_bars":100}"#, "must be {"),
                (#"{"train_bars":100,"test_bars":50,"step":3}"#, "must be {"), (#"{"train_bars":100,"test_bars":50,"anchored":"yes"}"#, "must be {"),
                (#"{"train_bars":2600,"test_bars":50}"#, "none is left to test"), (#"{"train_bars":10,"test_bars":2}"#, "at most 500"),
            ] {
                let body = #"{"job_type":"trading-sweep","ticker":"SYNTH","config":{\#(Self.grid),"walk_forward":\#(plan)}}"#
                let refused = try await client.post("/api/pipelines", body, headers: TestApp.bearer(json: true))
                refused.expectError(.badRequest)
                #expect(refused.json["details"]?["walk_forward"]?.stringValue?.contains(message) == true, "\(plan): \(refused.text)")
            }
            let plain = try await client.post(
                "/api/pipelines", #"{"job_type":"trading-sweep","ticker":"SYNTH","config":{\#(Self.grid)}}"#, headers: TestApp.bearer(json: true))
            let id = try #require(plain.json["job"]?["id"]?.stringValue)
            _ = try await client.waitUntilFinal(id)
            let missing = try await client.get("/api/pipelines/\(id)/walk-forward")
            missing.expectError(.notFound)
            #expect(missing.text.contains("did not ask for"))
        }
    }
}
