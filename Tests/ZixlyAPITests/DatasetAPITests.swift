import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyDatasets
import ZixlyTesting

@testable import ZixlyAPI

@Suite("/api/datasets: upload, list, describe, download, and sweeps on them")
struct DatasetAPITests {
    static let csv = """
        date,OPEN,High,Low,Close,Volume
        2024-01-02,10,11,9.5,10.5,1000
        2024-01-03,10.5,10.9,10.1,10.2,1200
        2024-01-04,10.2,10.4,9.9,10.3,900

        """

    static func csvHeaders(_ key: String = TestApp.adminKey, type: String = "text/csv") -> HTTPFields {
        var headers = TestApp.bearer(key)
        headers[.contentType] = type
        return headers
    }

    /// A key of `role` for another tenant, made in the store as an operator would.
    static func key(_ app: TestApp, role: Role, tenant: String) async throws -> String {
        try await Provisioning.apiKey(name: "other", role: role.rawValue, tenant: tenant, store: app.stores.apiKeys, now: Date()).secret
    }

    @Test("an editor uploads a version; it is listed, described and downloaded as sent; a viewer cannot upload")
    func upload() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let created = try await client.post("/api/datasets/acme", Self.csv, headers: Self.csvHeaders())
            #expect(created.status == .created, "\(created.text)")
            let body = created.json
            #expect(body["ticker"] == "ACME" && body["version"] == 1 && body["bars"] == 3 && body["first"] == "2024-01-02")
            #expect(body["last"] == "2024-01-04" && body["frequency"] == "daily" && body["bars_per_year"] == 252 && body["source"] == "upload")
            #expect(body["sha256"]?.stringValue?.count == 64 && body["download_url"] == "/api/datasets/ACME/1/download")
            let second = try await client.post("/api/datasets/ACME", Self.csv, headers: Self.csvHeaders(type: "text/csv; charset=utf-8"))
            #expect(second.json["version"] == 2 && second.json["sha256"] == body["sha256"])

            let list = try await client.get("/api/datasets").json
            let datasets: [JSONValue] = if case .array(let items)? = list["datasets"] { items } else { [] }
            #expect(datasets.compactMap { $0["ticker"]?.stringValue } == ["ACME", "BTCUSD", "EURUSD", "GOOG", "SYNTH"])
            #expect(datasets.first?["version"] == 2 && datasets.last?["version"] == 0 && datasets.last?["source"] == "directory")
            let versions = try await client.get("/api/datasets/acme").json
            #expect(
                versions["versions"].map { if case .array(let items) = $0 { items.compactMap { $0["version"]?.intValue } } else { [] } } == [2, 1])
            #expect(try await client.get("/api/datasets/ACME/1").json == body)
            let download = try await client.get("/api/datasets/ACME/1/download")
            #expect(download.status == .ok && download.text == Self.csv && download.headers[.contentType] == "text/csv; charset=utf-8")
            let sample = try await client.get("/api/datasets/GOOG/0/download")
            #expect(sample.status == .ok && sample.text.hasPrefix("Date,Open,High,Low,Close,Volume"))

            let viewer = try await Self.key(app, role: .viewer, tenant: NewJob.defaultTenant)
            try await client.post("/api/datasets/ACME", Self.csv, headers: Self.csvHeaders(viewer)).expectError(.forbidden)
            #expect(try await client.get("/api/datasets/ACME/2", headers: TestApp.bearer(viewer)).status == .ok)
            try await client.post("/api/datasets/ACME", Self.csv, headers: [.contentType: "text/csv"]).expectError(.unauthorized)
        }
    }

    @Test("bad requests: a bad file names its line and stores nothing; bad tickers, versions and media types are refused")
    func refusals() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let bad = try await client.post("/api/datasets/ACME", Self.csv + "2024-01-04,1,1,1,1,1\n", headers: Self.csvHeaders())
            bad.expectError(.badRequest)
            #expect(bad.json["details"]?["file"] == "line 5: Date 2024-01-04 is not after 2024-01-04 (rows must be oldest first, without duplicates)")
            try await client.get("/api/datasets/ACME").expectError(.notFound)
            let ticker = try await client.post("/api/datasets/..%2Fetc", Self.csv, headers: Self.csvHeaders())
            ticker.expectError(.badRequest)
            #expect(ticker.json["details"]?["ticker"] == "may hold only letters, digits and . - _ ^ =")
            try await client.post("/api/datasets/AB", Self.csv, headers: Self.csvHeaders()).expectError(.badRequest)
            try await client.post("/api/datasets/ACME", Self.csv, headers: Self.csvHeaders(type: "application/json")).expectError(
                .unsupportedMediaType)
            try await client.post("/api/datasets/ACME", Self.csv, headers: TestApp.bearer()).expectError(.unsupportedMediaType)
            try await client.post("/api/datasets/ACME", "", headers: Self.csvHeaders()).expectError(.badRequest)
            try await client.get("/api/datasets/GOOG/x").expectError(.badRequest)
            try await client.get("/api/datasets/GOOG/-1").expectError(.badRequest)
            try await client.get("/api/datasets/GOOG/3").expectError(.notFound)
            try await client.get("/api/datasets/NOPE").expectError(.notFound)
        }
    }

    @Test("a file over ZIXLY_DATASET_MAX_MB is 413 and stores nothing")
    func tooLarge() async throws {
        let app = try await TestApp(role: .api) { $0.datasetLimits.maximumBytes = 1 << 20 }
        try await app.test { client in
            let rows = (0..<40_000).map { second in
                "\(String(format: "2000-01-01T%02d:%02d:%02d", second / 3600, (second / 60) % 60, second % 60)),1,1,1,1,1"
            }
            let big = "Date,Open,High,Low,Close,Volume\n" + rows.joined(separator: "\n")
            try await client.post("/api/datasets/ACME", big, headers: Self.csvHeaders()).expectError(.contentTooLarge)
            try await client.get("/api/datasets/ACME").expectError(.notFound)
        }
    }

    @Test("a sweep runs on the newest version or the one it names, and records which; tenants see only their own")
    func sweeps() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            let rows = (0..<300).map { day -> String in
                let date = Calendar(identifier: .gregorian).date(byAdding: .day, value: day, to: Date(timeIntervalSince1970: 1_577_836_800))!
                let close = 100 + 10 * sin(Double(day) / 9) + Double(day) / 20
                return
                    "\(ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withFullDate])),\(close),\(close + 1),\(close - 1),\(close),1000"
            }
            let csv = "Date,Open,High,Low,Close,Volume\n" + rows.joined(separator: "\n") + "\n"
            let uploaded = try await client.post("/api/datasets/ACME", csv, headers: Self.csvHeaders()).json
            #expect(uploaded["frequency"] == "daily" && uploaded["bars_per_year"] == 365, "calendar days, weekends included: \(uploaded)")
            let config = #"{"fast_range":[5,10],"slow_range":[20,30],"step":5,"min_trades":10}"#
            let created = try await client.post(
                "/api/pipelines", #"{"job_type":"trading-sweep","ticker":"acme","config":\#(config)}"#, headers: TestApp.bearer(json: true))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["job"]?["id"]?.stringValue)
            let job = try await client.waitUntilFinal(id)
            #expect(job["status"] == "completed", "\(job)")
            let dataset = job["result_summary"]?["dataset"]
            #expect(dataset?["version"] == 1 && dataset?["sha256"] == uploaded["sha256"] && dataset?["source"] == "upload", "\(job)")

            let pinned = try await client.post(
                "/api/pipelines",
                #"{"job_type":"trading-sweep","ticker":"GOOG","config":{"dataset_version":0,"fast_range":[5,10],"slow_range":[20,30]}}"#,
                headers: TestApp.bearer(json: true))
            #expect(pinned.status == .created && pinned.json["message"] == "job queued: 66 combinations of SMA on GOOG v0", "\(pinned.text)")
            let missing = try await client.post(
                "/api/pipelines",
                #"{"job_type":"trading-sweep","ticker":"ACME","config":{"dataset_version":4,"fast_range":[5,10],"slow_range":[20,30]}}"#,
                headers: TestApp.bearer(json: true))
            missing.expectError(.badRequest)
            #expect(
                missing.json["details"]?["dataset_version"]?.stringValue?.hasPrefix("no market data for 'ACME' version 4") == true, "\(missing.text)")

            let other = try await Self.key(app, role: .editor, tenant: "globex")
            try await client.get("/api/datasets/ACME", headers: TestApp.bearer(other)).expectError(.notFound)
            let refused = try await client.post(
                "/api/pipelines", #"{"job_type":"trading-sweep","ticker":"ACME","config":\#(config)}"#, headers: TestApp.bearer(other, json: true))
            refused.expectError(.badRequest)
            #expect(refused.json["details"]?["ticker"]?.stringValue?.hasPrefix("no market data for 'ACME'; available: BTCUSD") == true)
        }
    }

    @Test("a sweep annualizes by its data's frequency (EURUSD hours: 24 × 252), or by bars_per_year when it asks; the job says which")
    func annualization() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            var ids: [String] = []
            for extra in ["", #","bars_per_year":252"#] {
                let body =
                    #"{"job_type":"trading-sweep","ticker":"EURUSD","config":{"fast_range":[5,10],"slow_range":[20,30],"step":5,"min_trades":10\#(extra)}}"#
                let created = try await client.post("/api/pipelines", body, headers: TestApp.bearer(json: true))
                ids.append(try #require(created.json["job"]?["id"]?.stringValue, "\(created.text)"))
            }
            let hourly = try await client.waitUntilFinal(ids[0])
            let asDays = try await client.waitUntilFinal(ids[1])
            #expect(hourly["result_summary"]?["annualization"] == ["frequency": "hourly", "bars_per_year": 6048, "source": "dataset"], "\(hourly)")
            #expect(asDays["result_summary"]?["annualization"] == ["frequency": "hourly", "bars_per_year": 252, "source": "request"])
            let path = "/results?sort_by=fast_period&order=asc&limit=1"
            let a = try await client.get("/api/pipelines/\(ids[0])" + path).json["results"]?.arrayValue?.first
            let b = try await client.get("/api/pipelines/\(ids[1])" + path).json["results"]?.arrayValue?.first
            let sharpeHourly = try #require(a?["sharpe_ratio"]?.doubleValue)
            let sharpeDays = try #require(b?["sharpe_ratio"]?.doubleValue)
            #expect(abs(sharpeHourly - sharpeDays * 24.0.squareRoot()) <= 1e-9 * abs(sharpeHourly))
            let refused = try await client.post(
                "/api/pipelines",
                #"{"job_type":"trading-sweep","ticker":"GOOG","config":{"fast_range":[5,10],"slow_range":[20,30],"bars_per_year":0}}"#,
                headers: TestApp.bearer(json: true))
            refused.expectError(.badRequest)
            #expect(refused.json["details"]?["bars_per_year"] != nil)
        }
    }

    @Test("import slots: a process takes up to its limit of uploads at once, and frees each")
    func importSlots() {
        let slots = ImportSlots(limit: 2)
        #expect(slots.take() && slots.take())
        #expect(!slots.take(), "a third upload at once is refused (429)")
        slots.give()
        #expect(slots.take())
    }
}
