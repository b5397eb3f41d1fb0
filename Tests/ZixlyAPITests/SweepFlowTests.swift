import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

/// Webhook → queue → worker (inside the app) → results in the database and the artifact store.
@Suite("A trading sweep end to end in one process")
struct SweepFlowTests {
    @Test("the worker runs the sweep; results sort, page, export as CSV, and match the stored artifact")
    func fullFlow() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            let accepted = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody))
            let id = try #require(accepted.json["job_id"]?.stringValue)
            let job = try await client.waitUntilFinal(id)
            #expect(job["status"] == "completed", "\(job.jsonText())")
            #expect(job["attempts"] == 1 && job["progress"] == 100)
            let summary = try #require(job["result_summary"])
            #expect(summary["total_combinations"] == 28 && summary["ticker"] == "GOOG")
            let overfitting = try #require(summary["overfitting"])
            #expect(overfitting["splits"] == 12_870 && overfitting["blocks"] == 16 && overfitting["bars_per_block"] == 134, "\(overfitting)")
            #expect(overfitting["dropped_bars"] == 4 && (0...1).contains(overfitting["probability"]?.doubleValue ?? -1))
            #expect(job["metrics"] == summary["best"])

            let results = try await client.get("/api/pipelines/\(id)/results?sort_by=sharpe_ratio&order=desc&limit=5").json
            guard case .array(let rows)? = results["results"] else {
                Issue.record("no results")
                return
            }
            #expect(rows.count == 5)
            let sharpes = rows.compactMap { $0["sharpe_ratio"]?.doubleValue }
            #expect(sharpes == sharpes.sorted(by: >))
            #expect(results["statistics"]?["total_combinations"] == 28)
            #expect(results["statistics"]?["best_sharpe"]?.doubleValue == sharpes.first)
            let dsr = try #require(results["statistics"]?["deflated_sharpe_ratio"]?.doubleValue)
            #expect(dsr >= 0 && dsr <= 1)
            #expect(results["statistics"]?["share_beating_buy_and_hold"]?.doubleValue != nil)

            let csv = try await client.get("/api/pipelines/\(id)/results?format=csv")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\n")
            #expect(
                lines.first
                    == "fast_period,slow_period,score,sharpe_ratio,sortino_ratio,total_return_pct,annualized_return,max_drawdown_pct,win_rate_pct,profit_factor,total_trades,closed_trades,trades_per_month,avg_trade_duration,ranked"
            )
            #expect(lines.count == 29)
            try await client.get("/api/pipelines/\(id)/results?sort_by=colour&format=xml").expectError(.badRequest)

            let key = try #require(summary["artifact_key"]?.stringValue)
            #expect(key == "results/\(id)/\(summary["sweep_run_id"]?.stringValue ?? "").json")
            let artifact = try #require(try await app.builder.stores.artifacts.get(key))
            let stored = try JSONDecoder().decode(JSONValue.self, from: artifact)
            #expect(stored["summary"]?["best"] == summary["best"])
            guard case .array(let storedRows)? = stored["results"], case .array(let curve)? = stored["equity_curve"]?["strategy"] else {
                Issue.record("artifact lacks results or equity curve")
                return
            }
            #expect(storedRows.count == 28 && curve.count == 2148)

            let download = try await client.get("/api/pipelines/\(id)/artifact")
            #expect(download.status == .ok && download.json["summary"]?["best"] == summary["best"])

            let events = try await client.get("/api/pipelines/\(id)/events")
            #expect(events.headers[.contentType] == "text/event-stream")
            #expect(events.text.hasPrefix("event: status\ndata: {") && events.text.contains("\"status\":\"completed\""))
        }
    }

    @Test("a job whose ticker data vanished fails once, without retries, with the reason")
    func permanentFailure() async throws {
        let app = try await TestApp(role: .all)
        _ = try await app.stores.jobs.enqueue(
            NewJob(jobType: "trading-sweep", parameters: ["ticker": "ZZZZ", "fast_range": [5, 10], "slow_range": [20, 30]]), now: Date())
        try await app.test { client in
            let list = try await client.get("/api/pipelines").json
            let id = try #require(list["jobs"]?.firstJob?["id"]?.stringValue)
            let job = try await client.waitUntilFinal(id)
            #expect(job["status"] == "failed" && job["attempts"] == 1)
            #expect(job["error_message"]?.stringValue?.contains("no market data for 'ZZZZ'") == true)
        }
    }
}

extension JSONValue {
    var firstJob: JSONValue? { if case .array(let items) = self { items.first } else { nil } }
}
