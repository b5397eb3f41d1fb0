import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyTesting

@Suite("/api/pipelines and /api/keys")
struct PipelineAPITests {
    static let createBody =
        #"{"job_type":"trading-sweep","ticker":"GOOG","config":{"fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}}"#

    @Test("no key, a wrong key and a malformed header get 401")
    func authentication() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            try await client.get("/api/pipelines", headers: [:]).expectError(.unauthorized)
            try await client.get("/api/pipelines", headers: TestApp.bearer("zk_wrong")).expectError(.unauthorized)
            try await client.get("/api/pipelines", headers: [.authorization: "Basic abc"]).expectError(.unauthorized)
        }
    }

    @Test("roles: a viewer reads but cannot create; an editor creates but cannot manage keys; revoked keys stop working")
    func roles() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let viewer = try await client.post("/api/keys", #"{"name":"dash","role":"viewer"}"#, headers: TestApp.bearer(json: true))
            #expect(viewer.status == .created)
            let viewerKey = try #require(viewer.json["api_key"]?.stringValue)
            let editor = try await client.post("/api/keys", #"{"name":"ci","role":"editor"}"#, headers: TestApp.bearer(json: true))
            let editorKey = try #require(editor.json["api_key"]?.stringValue)

            #expect(try await client.get("/api/pipelines", headers: TestApp.bearer(viewerKey)).status == .ok)
            try await client.post("/api/pipelines", Self.createBody, headers: TestApp.bearer(viewerKey, json: true)).expectError(.forbidden)
            #expect(try await client.post("/api/pipelines", Self.createBody, headers: TestApp.bearer(editorKey, json: true)).status == .created)
            try await client.get("/api/keys", headers: TestApp.bearer(editorKey)).expectError(.forbidden)
            try await client.post("/api/keys", #"{"name":"x","role":"root"}"#, headers: TestApp.bearer(json: true)).expectError(.badRequest)

            let keys = try await client.get("/api/keys").json["keys"]
            #expect(keys?.jsonText().contains(viewerKey) == false, "keys are never listed")
            let viewerID = try #require(viewer.json["key"]?["id"]?.stringValue)
            #expect(try await client.execute(uri: "/api/keys/\(viewerID)", method: .delete, headers: TestApp.bearer()).status == .noContent)
            try await client.get("/api/pipelines", headers: TestApp.bearer(viewerKey)).expectError(.unauthorized)
            try await client.execute(uri: "/api/keys/\(viewerID)", method: .delete, headers: TestApp.bearer()).expectError(.notFound)
        }
    }

    @Test("create honours Idempotency-Key; list filters and pages; bad queries get 400")
    func createAndList() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            var headers = TestApp.bearer(json: true)
            headers[HTTPField.Name("Idempotency-Key")!] = "order-1"
            let created = try await client.post("/api/pipelines", Self.createBody, headers: headers)
            #expect(created.status == .created && created.json["job"]?["status"] == "queued")
            #expect(created.json["message"] == "job queued: 28 combinations of SMA on GOOG", "\(created.text)")
            let again = try await client.post("/api/pipelines", Self.createBody, headers: headers)
            #expect(again.status == .ok && again.json["job"]?["id"] == created.json["job"]?["id"])
            for _ in 0..<3 { _ = try await client.post("/api/pipelines", Self.createBody, headers: TestApp.bearer(json: true)) }

            let page = try await client.get("/api/pipelines?status=queued&job_type=trading-sweep&limit=2&offset=1").json
            #expect(page["total_jobs"] == 4 && page["limit"] == 2 && page["offset"] == 1 && page["has_more"] == true)
            #expect(page["jobs"].map { if case .array(let jobs) = $0 { jobs.count } else { 0 } } == 2)
            #expect(try await client.get("/api/pipelines?status=completed").json["total_jobs"] == 0)

            let bad = try await client.get("/api/pipelines?status=done&limit=0")
            bad.expectError(.badRequest)
            #expect(bad.json["details"]?["status"] != nil && bad.json["details"]?["limit"] != nil)
            for name in ["etl", "noop"] {
                let unknown = try await client.post("/api/pipelines", #"{"job_type":"\#(name)"}"#, headers: TestApp.bearer(json: true))
                unknown.expectError(.badRequest)
                #expect(unknown.json["details"]?["job_type"]?.stringValue == "unknown job type '\(name)'; known: trading-sweep", "\(unknown.text)")
            }
            try await client.post("/api/pipelines", #"{"job_type":"trading-sweep","ticker":"GOOG"}"#, headers: TestApp.bearer(json: true))
                .expectError(.badRequest)
            try await client.post("/api/pipelines", Self.createBody, headers: TestApp.bearer()).expectError(.unsupportedMediaType)
            try await client.post("/api/pipelines", "{", headers: TestApp.bearer(json: true)).expectError(.badRequest)
        }
    }

    @Test("cancel and retry: queued cancels at once, a final job conflicts, retry requeues, unknown ids are 404")
    func cancelAndRetry() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let id = try #require(
                try await client.post("/api/pipelines", Self.createBody, headers: TestApp.bearer(json: true)).json["job"]?["id"]?.stringValue)
            let cancelled = try await client.execute(uri: "/api/pipelines/\(id)", method: .delete, headers: TestApp.bearer())
            #expect(cancelled.status == .ok && cancelled.json["job"]?["status"] == "cancelled")
            try await client.execute(uri: "/api/pipelines/\(id)", method: .delete, headers: TestApp.bearer()).expectError(.conflict)
            let retried = try await client.execute(uri: "/api/pipelines/\(id)/retry", method: .post, headers: TestApp.bearer())
            #expect(retried.status == .ok && retried.json["job"]?["status"] == "queued")
            try await client.execute(uri: "/api/pipelines/\(id)/retry", method: .post, headers: TestApp.bearer()).expectError(.conflict)
            let unknown = UUID().uuidString
            try await client.get("/api/pipelines/\(unknown)").expectError(.notFound)
            try await client.execute(uri: "/api/pipelines/\(unknown)", method: .delete, headers: TestApp.bearer()).expectError(.notFound)
            try await client.execute(uri: "/api/pipelines/\(unknown)/retry", method: .post, headers: TestApp.bearer()).expectError(.notFound)
            try await client.get("/api/pipelines/\(id)/results").expectError(.notFound)
        }
    }

    @Test("operations endpoints, the API description and unknown routes")
    func operations() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            #expect(try await client.get("/health", headers: [:]).json["status"] == "ok")
            #expect(try await client.get("/ready", headers: [:]).json["status"] == "ready")
            // The store gauges are read by a service every 0.1 s here; its first read may trail the first request.
            var metrics = try await client.get("/metrics", headers: [:]).text
            for _ in 0..<50 where !metrics.contains("pipeline_jobs{status=\"queued\"} 0") {
                try await Task.sleep(for: .milliseconds(100))
                metrics = try await client.get("/metrics", headers: [:]).text
            }
            #expect(metrics.contains("pipeline_jobs{status=\"queued\"} 0"))
            let openapi = try await client.get("/openapi.yaml", headers: [:])
            let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("docs/openapi.yaml")
            #expect(openapi.text == (try String(contentsOf: docs, encoding: .utf8)), "/openapi.yaml serves docs/openapi.yaml")
            try await client.get("/no/such/route", headers: [:]).expectError(.notFound)
        }
    }
}
