import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyTesting

@Suite("/api/webhook-endpoints")
struct WebhookEndpointAPITests {
    @Test("admin creates (secret shown once), lists, shows and deletes endpoints; others get 401/403; bad input 400")
    func endpoints() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let created = try await client.post(
                "/api/webhook-endpoints", #"{"url":"https://hooks.example.com/zixly","events":["job.failed","job.completed"],"description":"ops"}"#,
                headers: TestApp.bearer(json: true))
            #expect(created.status == .created)
            let secret = try #require(created.json["secret"]?.stringValue)
            #expect(secret.hasPrefix("whsec_"))
            let endpoint = try #require(created.json["endpoint"])
            let id = try #require(endpoint["id"]?.stringValue)
            #expect(id.hasPrefix("ep_") && endpoint["events"] == ["job.completed", "job.failed"] && endpoint["description"] == "ops")

            let list = try await client.get("/api/webhook-endpoints")
            #expect(list.json["endpoints"]?.arrayValue?.count == 1 && !list.text.contains(secret), "the secret is never listed")
            #expect(try await client.get("/api/webhook-endpoints/\(id)").json["url"] == "https://hooks.example.com/zixly")

            let editor = try #require(
                try await client.post("/api/keys", #"{"name":"ci","role":"editor"}"#, headers: TestApp.bearer(json: true))
                    .json["api_key"]?.stringValue)
            try await client.get("/api/webhook-endpoints", headers: TestApp.bearer(editor)).expectError(.forbidden)
            try await client.get("/api/webhook-endpoints", headers: [:]).expectError(.unauthorized)

            let bad = try await client.post(
                "/api/webhook-endpoints", #"{"url":"ftp://example.com","events":["job.exploded"],"description":7}"#,
                headers: TestApp.bearer(json: true))
            bad.expectError(.badRequest)
            #expect(bad.json["details"]?["url"] != nil && bad.json["details"]?["events"] != nil && bad.json["details"]?["description"] != nil)
            try await client.post("/api/webhook-endpoints", #"{"events":[]}"#, headers: TestApp.bearer(json: true)).expectError(.badRequest)
            try await client.post("/api/webhook-endpoints", "not json", headers: TestApp.bearer(json: true)).expectError(.badRequest)

            #expect(try await client.execute(uri: "/api/webhook-endpoints/\(id)", method: .delete, headers: TestApp.bearer()).status == .noContent)
            try await client.get("/api/webhook-endpoints/\(id)").expectError(.notFound)
            try await client.execute(uri: "/api/webhook-endpoints/\(id)", method: .delete, headers: TestApp.bearer()).expectError(.notFound)
        }
    }

    @Test("a job's event shows up in the endpoint's delivery log, with its payload, and can be replayed")
    func deliveryLog() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let created = try await client.post(
                "/api/webhook-endpoints", #"{"url":"http://127.0.0.1:9/hook"}"#, headers: TestApp.bearer(json: true))
            let endpointID = try #require(created.json["endpoint"]?["id"]?.stringValue)
            #expect(created.json["endpoint"]?["events"] == ["job.cancelled", "job.completed", "job.failed"], "all events by default")

            let job = try await client.post("/api/pipelines", PipelineAPITests.createBody, headers: TestApp.bearer(json: true))
            let jobID = try #require(job.json["job"]?["id"]?.stringValue)
            #expect(try await client.execute(uri: "/api/pipelines/\(jobID)", method: .delete, headers: TestApp.bearer()).status == .ok)
            // The cancel queued the delivery and its job; this API-only app runs no worker to send it.
            let log = try await client.get("/api/webhook-endpoints/\(endpointID)/deliveries")
            let delivery = try #require(log.json["deliveries"]?.arrayValue?.first)
            #expect(
                delivery["event_type"] == "job.cancelled" && delivery["status"] == "pending"
                    && delivery["event_id"]?.stringValue?.hasPrefix("msg_") == true)
            let deliveryID = try #require(delivery["id"]?.stringValue)
            let due = try #require(try await app.stores.webhooks.dueDelivery(id: deliveryID))
            #expect(due.event.type == .jobCancelled && due.event.jobID.rawValue == jobID)
            let detail = try await client.get("/api/webhook-endpoints/\(endpointID)/deliveries/\(deliveryID)")
            #expect(detail.json["payload"] == .null && detail.json["attempt_log"] == [], "no body before the first attempt")
            _ = try await app.stores.webhooks.settlePayload(#"{"type":"job.cancelled"}"#, deliveryID: deliveryID)
            let built = try await client.get("/api/webhook-endpoints/\(endpointID)/deliveries/\(deliveryID)")
            #expect(built.json["payload"]?["type"] == "job.cancelled")

            let replay = try await client.post("/api/webhook-endpoints/\(endpointID)/deliveries/\(deliveryID)/replay", "", headers: TestApp.bearer())
            #expect(replay.status == .accepted && replay.json["delivery"]?["replay_of"]?.stringValue == deliveryID)
            #expect(try await client.get("/api/webhook-endpoints/\(endpointID)/deliveries").json["deliveries"]?.arrayValue?.count == 2)
            try await client.get("/api/webhook-endpoints/\(endpointID)/deliveries?limit=0").expectError(.badRequest)
            try await client.get("/api/webhook-endpoints/\(endpointID)/deliveries/dlv_nope").expectError(.notFound)
            try await client.post("/api/webhook-endpoints/\(endpointID)/deliveries/dlv_nope/replay", "", headers: TestApp.bearer()).expectError(
                .notFound)
            try await client.get("/api/webhook-endpoints/ep_nope/deliveries").expectError(.notFound)
        }
    }
}
