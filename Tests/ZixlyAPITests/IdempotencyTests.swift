import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore

/// Webhook ids and API idempotency keys cannot be confused, stretched or reused for other work.
@Suite("Idempotency keys")
struct IdempotencyTests {
    static let otherBody = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":20,"strategy_type":"SMA"}"#

    static func apiCreate(
        _ client: any TestClientProtocol, key: String,
        body: String = #"{"job_type":"trading-sweep","ticker":"GOOG","config":{"fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}}"#
    ) async throws -> TestResponse {
        var headers = TestApp.bearer(json: true)
        headers[HTTPField.Name("Idempotency-Key")!] = key
        return try await client.post("/api/pipelines", body, headers: headers)
    }

    @Test("a webhook-id and an API Idempotency-Key with the same text make two jobs: separate namespaces")
    func separateNamespaces() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let api = try await Self.apiCreate(client, key: "K-1")
            #expect(api.status == .created)
            let webhook = try await client.post(
                "/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody, id: "K-1"))
            #expect(webhook.status == .accepted, "not the API's job: \(webhook.text)")
            #expect(webhook.json["job_id"] != api.json["job"]?["id"])
        }
    }

    @Test("keys over 255 bytes or with control characters are 400 naming the header; nothing is stored")
    func capped() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            for id in [String(repeating: "w", count: 256), String(repeating: "é", count: 128), String(repeating: "x", count: 60_000)] {
                let response = try await client.post(
                    "/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody, id: id))
                response.expectError(.badRequest)
                #expect(response.json["details"]?["webhook-id"]?.stringValue?.contains("255 bytes") == true, "\(response.text)")
            }
            let api = try await Self.apiCreate(client, key: String(repeating: "k", count: 256))
            api.expectError(.badRequest)
            #expect(api.json["details"]?["Idempotency-Key"] != nil)
            #expect(try await Self.apiCreate(client, key: String(repeating: "k", count: 255)).status == .created, "255 bytes is fine")
            let list = try await client.get("/api/pipelines")
            #expect(list.json["total_jobs"] == .number(1))
        }
    }

    @Test("the same key with a different request is 409 naming the job; the same request again is 200 with the job's real status")
    func reuseForOtherWork() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let first = try await client.post(
                "/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody, id: "msg_same"))
            #expect(first.status == .accepted && first.json["status"] == "QUEUED")
            let id = try #require(first.json["job_id"]?.stringValue)

            let other = try await client.post(
                "/webhook/trading-sweep", Self.otherBody, headers: TestApp.signedHeaders(Self.otherBody, id: "msg_same"))
            other.expectError(.conflict)
            #expect(other.json["details"]?["job_id"]?.stringValue == id && other.json["error"]?.stringValue?.contains(id) == true)

            // Cancel it; a true replay (the same request, spelled with other blanks) shows that.
            #expect(try await client.execute(uri: "/api/pipelines/\(id)", method: .delete, headers: TestApp.bearer()).status == .ok)
            let respaced = TestApp.sweepBody.replacingOccurrences(of: ",", with: ", ")
            let replay = try await client.post("/webhook/trading-sweep", respaced, headers: TestApp.signedHeaders(respaced, id: "msg_same"))
            #expect(replay.status == .ok && replay.json["job_id"]?.stringValue == id)
            #expect(replay.json["status"] == "CANCELLED", "the real status, not QUEUED: \(replay.text)")

            #expect(try await Self.apiCreate(client, key: "K-2").status == .created)
            let conflicting = try await Self.apiCreate(
                client, key: "K-2",
                body: #"{"job_type":"trading-sweep","ticker":"GOOG","config":{"fast_range":[5,20],"slow_range":[30,60],"step":10,"min_trades":10}}"#)
            conflicting.expectError(.conflict)
        }
    }
}
