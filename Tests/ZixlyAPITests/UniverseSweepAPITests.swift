import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyTesting

@Suite("Sweeps of many tickers through the API")
struct UniverseSweepAPITests {
    static let grid = #""fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10,"pbo_blocks":2"#
    static let tickers = ["GOOG", "SYNTH", "EURUSD", "BTCUSD"]

    static func create(_ client: some TestClientProtocol, _ config: String) async throws -> TestResponse {
        try await client.post(
            "/api/pipelines", #"{"job_type":"trading-sweep","config":{\#(config)}}"#, headers: TestApp.bearer(json: true))
    }

    static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    @Test(
        "one child per ticker; the aggregate ranks every cell by the median Sharpe, the share beating buy-and-hold and the worst drawdown of the children's own rows; a child's results equal a one-ticker sweep's"
    )
    func aggregate() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            let list = Self.tickers.map { "\"\($0)\"" }.joined(separator: ",")
            let created = try await Self.create(client, #""tickers":[\#(list)],\#(Self.grid)"#)
            #expect(created.status == .accepted || created.status == .created, "\(created.text)")
            #expect(created.json["message"]?.stringValue?.contains("on each of 4 tickers") == true, "\(created.text)")
            let id = try #require(created.json["job"]?["id"]?.stringValue, "\(created.text)")
            let parent = try await client.waitUntilFinal(id)
            #expect(parent["status"] == "completed", "\(parent)")
            #expect(parent["result_summary"]?["tickers"] == 4 && parent["result_summary"]?["completed_tickers"] == 4)

            let page = try await client.get("/api/pipelines/\(id)/aggregate?limit=10000")
            #expect(page.status == .ok, "\(page.text)")
            let rows = page.json["rows"]?.arrayValue ?? []
            let tickers = page.json["tickers"]?.arrayValue ?? []
            #expect(tickers.compactMap { $0["ticker"]?.stringValue }.sorted() == Self.tickers.sorted())
            #expect(rows.count == 4 * 7 && page.json["total"] == 28)

            // Recompute from each child's rows, read through ?ticker=.
            var sharpes: [String: [Double]] = [:]
            var beats: [String: Int] = [:]
            var worst: [String: Double] = [:]
            for entry in tickers {
                let ticker = try #require(entry["ticker"]?.stringValue)
                let buyAndHold = try #require(entry["buy_and_hold_return_pct"]?.doubleValue)
                let results = try await client.get("/api/pipelines/\(id)/results?ticker=\(ticker.lowercased())&limit=1000")
                #expect(results.status == .ok && results.json["ticker"]?.stringValue == ticker, "\(results.text)")
                for row in results.json["results"]?.arrayValue ?? [] {
                    let cell = "\(row["fast_period"]!.intValue!)/\(row["slow_period"]!.intValue!)"
                    if let sharpe = row["sharpe_ratio"]?.doubleValue { sharpes[cell, default: []].append(sharpe) }
                    if let total = row["total_return_pct"]?.doubleValue, total > buyAndHold { beats[cell, default: 0] += 1 }
                    if let drawdown = row["max_drawdown_pct"]?.doubleValue { worst[cell] = max(worst[cell] ?? -1, drawdown) }
                }
            }
            for row in rows {
                let cell = "\(row["fast_period"]!.intValue!)/\(row["slow_period"]!.intValue!)"
                #expect(row["median_sharpe"]?.doubleValue == Self.median(sharpes[cell] ?? []), "\(cell)")
                #expect(row["share_beating_buy_and_hold"]?.doubleValue == Double(beats[cell] ?? 0) / 4, "\(cell)")
                #expect(row["worst_drawdown_pct"]?.doubleValue == worst[cell], "\(cell)")
            }
            let medians = rows.compactMap { $0["median_sharpe"]?.doubleValue }
            #expect(medians == medians.sorted(by: >), "best first")
            #expect(parent["result_summary"]?["best"] == rows.first)
            let byDrawdown = try await client.get("/api/pipelines/\(id)/aggregate?sort_by=worst_drawdown_pct&limit=3&offset=1")
            #expect(byDrawdown.json["rows"]?.arrayValue?.count == 3 && byDrawdown.json["order"] == "asc")

            // The same sweep of GOOG alone gives the same rows as GOOG's child.
            let single = try await Self.create(client, #""ticker":"GOOG",\#(Self.grid)"#)
            let singleID = try #require(single.json["job"]?["id"]?.stringValue)
            _ = try await client.waitUntilFinal(singleID)
            let alone = try await client.get("/api/pipelines/\(singleID)/results?limit=1000&sort_by=fast_period").json["results"]
            let child = try await client.get("/api/pipelines/\(id)/results?ticker=GOOG&limit=1000&sort_by=fast_period").json["results"]
            #expect(alone != nil && alone == child)

            // The dashboard: the median-Sharpe heatmap, the ranking, and each ticker linked to its own job page.
            let (cookie, _) = try await DashboardTests.signIn(client)
            let html = try await client.execute(uri: "/jobs/\(id)", method: .get, headers: [.cookie: cookie]).text
            #expect(html.contains("Median Sharpe across tickers") && html.contains("median Sharpe by fast and slow period"))
            #expect(html.contains("id=\"aggregate-table\"") && html.contains("id=\"tickers-table\""))
            let goog = try #require(tickers.first { $0["ticker"] == "GOOG" }?["job_id"]?.stringValue)
            #expect(html.contains("<a href=\"/jobs/\(goog)\">GOOG</a>"))
            let drill = try await client.execute(uri: "/jobs/\(goog)", method: .get, headers: [.cookie: cookie]).text
            #expect(drill.contains("id=\"results-table\""), "a ticker's page is an ordinary sweep page")

            // Lists: the children stay on their parent's page unless asked for.
            #expect(try await client.get("/api/pipelines?limit=100").json["total_jobs"] == 6, "the parent, 4 children, the single sweep")
            let topLevel = try await client.get("/api/pipelines?limit=100&top_level=true").json
            #expect(topLevel["total_jobs"] == 2 && topLevel["jobs"]?.arrayValue?.contains { $0["id"]?.stringValue == goog } == false)
            try await client.get("/api/pipelines?top_level=yes").expectError(.badRequest)
            let listed = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).text
            #expect(listed.contains("/jobs/\(id)") && !listed.contains("/jobs/\(goog)"), "the dashboard lists the parent, not its children")
            #expect(listed.contains("top_level=true"), "its live updates keep to the same list")
            let withChildren = try await client.execute(uri: "/?children=show", method: .get, headers: [.cookie: cookie]).text
            #expect(withChildren.contains("/jobs/\(goog)") && withChildren.contains(#"name="children" value="show" checked"#))

            try await client.get("/api/pipelines/\(id)/results?ticker=MSFT").expectError(.notFound)
            try await client.get("/api/pipelines/\(singleID)/results?ticker=GOOG").expectError(.badRequest)
            try await client.get("/api/pipelines/\(singleID)/aggregate").expectError(.notFound)
            try await client.get("/api/pipelines/\(id)/aggregate?sort_by=score").expectError(.badRequest)
            let noRows = try await client.get("/api/pipelines/\(id)/results")
            noRows.expectError(.notFound)
            #expect(noRows.text.contains("?ticker="))
        }
    }

    @Test("tickers are checked: one of ticker and tickers, distinct, at most 1,000, each with data; max_failed_tickers only with them")
    func refusals() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            let many = (0..<1001).map { "\"T\($0)\"" }.joined(separator: ",")
            for (config, field, message) in [
                (#""ticker":"GOOG","tickers":["SYNTH"]"#, "tickers", "not both"),
                (#""tickers":["GOOG","goog"]"#, "tickers", "GOOG is listed twice"),
                (#""tickers":[]"#, "tickers", "1...1000"),
                (#""tickers":[\#(many)]"#, "tickers", "1...1000"),
                (#""tickers":["GOOG",7]"#, "tickers", "item 2 must be a string"),
                (#""tickers":["GOOG","NOPE","ZZZ"]"#, "tickers", "no market data for NOPE, ZZZ (2 of 3)"),
                (#""ticker":"GOOG","max_failed_tickers":1"#, "max_failed_tickers", "only to a sweep of many"),
                (#""tickers":["GOOG"],"max_failed_tickers":2"#, "max_failed_tickers", "0...1"),
                (#""tickers":["GOOG"],"dataset_version":1"#, "dataset_version", "each one's newest"),
            ] {
                let refused = try await Self.create(client, #"\#(config),\#(Self.grid)"#)
                refused.expectError(.badRequest)
                #expect(refused.json["details"]?[field]?.stringValue?.contains(message) == true, "\(config): \(refused.text)")
            }
        }
    }

    @Test("a failed child fails its parent unless max_failed_tickers allows it")
    func failurePolicy() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            // A dataset whose bytes are gone: its child fails without a retry.
            let upload = try await client.post("/api/datasets/broken", DatasetAPITests.csv, headers: DatasetAPITests.csvHeaders())
            #expect(upload.status == .created, "\(upload.text)")
            let artifacts = app.stores.directory.appendingPathComponent("artifacts/datasets")
            let files = FileManager.default.enumerator(atPath: artifacts.path)?.compactMap { $0 as? String } ?? []
            let broken = try #require(files.first { $0.contains("BROKEN/") && $0.hasSuffix(".csv") }, "\(files)")
            try FileManager.default.removeItem(at: artifacts.appendingPathComponent(broken))

            for allowed in [0, 1] {
                let created = try await Self.create(client, #""tickers":["GOOG","BROKEN"],"max_failed_tickers":\#(allowed),\#(Self.grid)"#)
                let id = try #require(created.json["job"]?["id"]?.stringValue, "\(created.text)")
                let parent = try await client.waitUntilFinal(id)
                if allowed == 0 {
                    #expect(parent["status"] == "failed", "\(parent)")
                    #expect(parent["error_message"]?.stringValue?.contains("1 of 2 tickers did not complete") == true, "\(parent)")
                    #expect(parent["error_message"]?.stringValue?.contains("BROKEN (failed)") == true, "\(parent)")
                    #expect(parent["attempts"] == 1, "a policy failure is not retried")
                } else {
                    #expect(parent["status"] == "completed", "\(parent)")
                    #expect(parent["result_summary"]?["completed_tickers"] == 1)
                    #expect(parent["result_summary"]?["unfinished_tickers"] == [["ticker": "BROKEN", "state": "failed"]])
                    let page = try await client.get("/api/pipelines/\(id)/aggregate")
                    #expect(page.json["rows"]?.arrayValue?.first?["tickers_with_sharpe"] == 1, "\(page.text)")
                }
            }
        }
    }

    @Test("cancelling a parent cancels the children it has queued")
    func cancel() async throws {
        let app = try await TestApp(role: .all) { $0.workerConcurrency = 1 }
        try await app.test { client in
            let created = try await Self.create(
                client, #""tickers":["GOOG","SYNTH","EURUSD","BTCUSD"],"fast_range":[2,60],"slow_range":[61,250],"pbo_blocks":2"#)
            let id = try #require(created.json["job"]?["id"]?.stringValue, "\(created.text)")
            _ = try await Self.child(client, of: id, ticker: "GOOG")
            let cancelled = try await client.execute(uri: "/api/pipelines/\(id)", method: .delete, headers: TestApp.bearer())
            #expect(cancelled.status == .ok || cancelled.status == .accepted, "\(cancelled.text)")
            #expect(try await client.waitUntilFinal(id)["status"] == "cancelled")
            var states: [String] = []
            for ticker in ["GOOG", "SYNTH", "EURUSD", "BTCUSD"] {
                let child = try await Self.child(client, of: id, ticker: ticker)
                states.append(try await client.waitUntilFinal(child)["status"]?.stringValue ?? "")
            }
            #expect(states.filter { $0 == "cancelled" }.count >= 3, "one worker slot: at most one child had started; \(states)")
        }
    }

    /// The id of the child sweeping `ticker`, once the parent has queued it.
    static func child(_ client: some TestClientProtocol, of parent: String, ticker: String) async throws -> String {
        for _ in 0..<200 {
            let children = try await client.get("/api/pipelines/\(parent)/children").json["children"]?.arrayValue ?? []
            if let child = children.first(where: { $0["ticker"]?.stringValue == ticker }) {
                return try #require(child["job_id"]?.stringValue)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FactoryError("no child for \(ticker) of \(parent)")
    }
}
