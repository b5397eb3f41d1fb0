import Foundation
import HTTPTypes
import HummingbirdTesting
import StandardWebhooks
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("POST /webhook/{job_type}")
struct WebhookAPITests {
    @Test("a signed webhook gets 202 with the committed job; a replay gets 200 and the same job")
    func acceptsAndDeduplicates() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let headers = TestApp.signedHeaders(TestApp.sweepBody, id: "msg_replay")
            let first = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: headers)
            #expect(first.status == .accepted)
            let id = try #require(first.json["job_id"]?.stringValue)
            #expect(first.json["status"] == "QUEUED")
            #expect(first.json["webhook_url"]?.stringValue == "/webhook/jobs/\(id)")
            let stored = try #require(try await app.stores.jobs.job(JobID(rawValue: id)))
            #expect(stored.state == .queued && stored.idempotencyKey == "webhook:msg_replay" && stored.parameters["ticker"] == "GOOG")

            let replay = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: headers)
            #expect(replay.status == .ok)
            #expect(replay.json["job_id"]?.stringValue == id)
            #expect(try await app.stores.jobs.countByState()[.queued] == 1)
        }
    }

    @Test("wrong, missing or stale signatures get 401 and create nothing")
    func rejectsBadSignatures() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let body = TestApp.sweepBody
            var wrongSecret = TestApp.signedHeaders(body, secret: .generate())
            try await client.post("/webhook/trading-sweep", body, headers: wrongSecret).expectError(.unauthorized)
            wrongSecret[HTTPField.Name("webhook-signature")!] = nil
            try await client.post("/webhook/trading-sweep", body, headers: wrongSecret).expectError(.unauthorized)
            let stale = TestApp.signedHeaders(body, date: Date().addingTimeInterval(-600))
            try await client.post("/webhook/trading-sweep", body, headers: stale).expectError(.unauthorized)
            let tampered = TestApp.signedHeaders(body)
            try await client.post("/webhook/trading-sweep", body.replacingOccurrences(of: "GOOG", with: "SYNTH"), headers: tampered)
                .expectError(.unauthorized)
            try await client.post("/webhook/trading-sweep", body, headers: [.contentType: "application/json"]).expectError(.unauthorized)
            #expect(try await app.stores.jobs.countByState().values.reduce(0, +) == 0)
        }
    }

    @Test(
        "invalid fields get 400 with a message per field",
        arguments: [
            (#"{"ticker":"NOPE","fast_range":[5,20],"slow_range":[30,60]}"#, "ticker", "available: BTCUSD, EURUSD, GOOG, SYNTH"),
            (#"{"ticker":"GO","fast_range":[5,20],"slow_range":[30,60]}"#, "ticker", "3 to 20"),
            (#"{"ticker":7,"fast_range":[5,20],"slow_range":[30,60]}"#, "ticker", "string"),
            (#"{"ticker":"GOOG","fast_range":[20,5],"slow_range":[30,60]}"#, "fast_range", "must not exceed"),
            (#"{"ticker":"GOOG","fast_range":[5,40],"slow_range":[3,60]}"#, "fast_range", "below slow_range's minimum"),
            (#"{"ticker":"GOOG","fast_range":[5,80],"slow_range":[30,60]}"#, "fast_range", "below slow_range's maximum"),
            (#"{"ticker":"GOOG","fast_range":[0,20],"slow_range":[30,600]}"#, "fast_range", "within 1...500"),
            (#"{"ticker":"GOOG","fast_range":"5-20","slow_range":[30,60]}"#, "fast_range", "[min, max]"),
            (#"{"ticker":"GOOG","fast_range":[5.5,20],"slow_range":[30,60]}"#, "fast_range", "whole numbers"),
            (#"{"ticker":"GOOG","fast_range":[5,20]}"#, "slow_range", "required"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":0}"#, "step", "1...50"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"min_trades":5}"#, "min_trades", "10...1000"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"strategy_type":"RSI"}"#, "strategy_type", "SMA, EMA, MACD"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"config_path":"max"}"#, "config_path", "minimum"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"colour":"red"}"#, "colour", "unknown field"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"executor":"gpu"}"#, "executor", "'builtin' or 'external'"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"executor":"external"}"#, "executor", "ZIXLY_TRADING_API_URL"),
            (#"[1,2,3]"#, "body", "JSON object"),
            (#"{"ticker":"GOOG","fast_range":[5,20"#, "body", "not valid JSON: unterminated array; ',' or ']' was expected at byte 35"),
            (
                String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), "body",
                "not valid JSON: nested deeper than 512 levels at byte 512"
            ),
            (#"{"ticker":"../../etc/passwd","fast_range":[5,20],"slow_range":[30,60]}"#, "ticker", "only letters"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"pbo_blocks":7}"#, "pbo_blocks", "an even whole number within 2...24"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"bars_per_year":-1}"#, "bars_per_year", "within 1...31622400"),
            (#"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"dataset_version":"latest"}"#, "dataset_version", "whole number"),
        ])
    func rejectsInvalidFields(body: String, field: String, message: String) async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let response = try await client.post("/webhook/trading-sweep", body, headers: TestApp.signedHeaders(body))
            response.expectError(.badRequest)
            let detail = try #require(response.json["details"]?[field]?.stringValue, "details.\(field) in \(response.text)")
            #expect(detail.contains(message), "\(detail)")
        }
    }

    @Test("a body that is not JSON gets 415; one over 1 MiB gets 413")
    func mediaTypeAndSize() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            var headers = TestApp.signedHeaders(TestApp.sweepBody)
            headers[.contentType] = "text/plain"
            try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: headers).expectError(.unsupportedMediaType)
            let huge = "{\"pad\":\"" + String(repeating: "x", count: 1 << 20) + "\"}"
            try await client.post("/webhook/trading-sweep", huge, headers: TestApp.signedHeaders(huge)).expectError(.contentTooLarge)
        }
    }

    @Test(
        "JSON media types in any case, with parameters and blanks, are accepted; others get 415",
        arguments: [
            ("application/json", true), ("Application/JSON", true), ("application/json; charset=utf-8", true),
            (" \tapplication/json \t;charset=utf-8", true), ("application/vnd.zixly+json", true), ("APPLICATION/CLOUDEVENTS+JSON", true),
            ("text/plain", false), ("application/jsonx", false), ("application/json-seq", false), ("json", false), ("+json", true),
            ("application/x-www-form-urlencoded", false), ("", false), (";application/json", false), ("application/js on", false),
        ])
    func contentTypes(contentType: String, accepted: Bool) async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            var headers = TestApp.signedHeaders(TestApp.sweepBody)
            headers[.contentType] = contentType
            let response = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: headers)
            #expect(response.status == (accepted ? .accepted : .unsupportedMediaType))
        }
    }

    @Test("GET /webhook/jobs/{id}: the job, or 404 for unknown and malformed ids")
    func jobStatus() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let accepted = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody))
            let id = try #require(accepted.json["job_id"]?.stringValue)
            let job = try await client.get("/webhook/jobs/\(id)", headers: [:])
            #expect(job.status == .ok && job.json["status"] == "queued" && job.json["results"] == [])
            try await client.get("/webhook/jobs/\(UUID().uuidString)", headers: [:]).expectError(.notFound)
            try await client.get("/webhook/jobs/not-a-uuid", headers: [:]).expectError(.notFound)
        }
    }

    @Test("the path names the job type: a sweep is queued with a message saying what will run; noop, unknown types 404 once signed")
    func jobTypeRoutes() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let accepted = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody))
            #expect(accepted.status == .accepted)
            #expect(accepted.json["message"] == "trading-sweep queued: 28 combinations of SMA on GOOG", "\(accepted.text)")
            for name in ["noop", "etl", "webhook.deliver"] {
                let refused = try await client.post("/webhook/\(name)", "{}", headers: TestApp.signedHeaders("{}"))
                refused.expectError(.notFound)
                #expect(refused.text.contains("known: trading-sweep"), "\(refused.text)")
                try await client.post("/webhook/\(name)", "{}", headers: [.contentType: "application/json"]).expectError(.unauthorized)
            }
            let callback = try await client.post("/webhook/sweep-callback", "{}", headers: TestApp.signedHeaders("{}"))
            callback.expectError(.notImplemented)
        }
    }
}
