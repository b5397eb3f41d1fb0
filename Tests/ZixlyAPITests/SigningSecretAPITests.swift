import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StandardWebhooks
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyTesting

@Suite("/api/webhook-signing-secrets")
struct SigningSecretAPITests {
    @Test(
        "an admin rotates: the new secret (shown once) signs webhooks at once, the configured one is refused once retired; bad requests are 400, 404, 409, 403"
    )
    func rotate() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let listed = try await client.get("/api/webhook-signing-secrets")
            #expect(listed.status == .ok)
            let configured = try #require(listed.json["secrets"]?.arrayValue?.first)
            #expect(configured["fingerprint"]?.stringValue == TestApp.secret.fingerprint && configured["source"] == "configured")
            #expect(configured["active"] == true && configured["expires_at"] == .null)
            #expect(!listed.text.contains(TestApp.secret.serialized), "a secret's text is never listed")

            let lastOne = try await client.post(
                "/api/webhook-signing-secrets/\(TestApp.secret.fingerprint)/retire", "{}", headers: TestApp.bearer(json: true))
            lastOne.expectError(.conflict)
            #expect(lastOne.json["error"]?.stringValue?.contains("add a new secret") == true)
            for (body, field) in [
                (#"{"retire_others_after_seconds":-1}"#, "retire_others_after_seconds"),
                (#"{"retire_others_after_seconds":"soon"}"#, "retire_others_after_seconds"),
                (#"{"retire_others_after_seconds":1.5}"#, "retire_others_after_seconds"),
            ] {
                let bad = try await client.post("/api/webhook-signing-secrets", body, headers: TestApp.bearer(json: true))
                bad.expectError(.badRequest)
                #expect(bad.json["details"]?[field] != nil, "\(body)")
            }
            let editor =
                try await client.post("/api/keys", #"{"name":"ci","role":"editor"}"#, headers: TestApp.bearer(json: true)).json["api_key"]?
                .stringValue ?? ""
            try await client.post("/api/webhook-signing-secrets", "{}", headers: TestApp.bearer(editor, json: true)).expectError(.forbidden)
            try await client.get("/api/webhook-signing-secrets", headers: TestApp.bearer(editor)).expectError(.forbidden)

            let created = try await client.post("/api/webhook-signing-secrets", "{}", headers: TestApp.bearer(json: true))
            #expect(created.status == .created)
            let added = try WebhookSecret(try #require(created.json["secret"]?.stringValue))
            #expect(created.json["fingerprint"]?.stringValue == added.fingerprint)
            let accepted = try await client.post(
                "/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody, secret: added))
            #expect(accepted.status == .accepted)

            try await client.post("/api/webhook-signing-secrets/sha256:ffffffffffffffff/retire", "{}", headers: TestApp.bearer(json: true))
                .expectError(.notFound)
            try await client.post(
                "/api/webhook-signing-secrets/\(added.fingerprint)/retire", #"{"after_seconds":604801}"#, headers: TestApp.bearer(json: true)
            )
            .expectError(.badRequest)
            let retired = try await client.post(
                "/api/webhook-signing-secrets/\(TestApp.secret.fingerprint)/retire", #"{"after_seconds":0}"#, headers: TestApp.bearer(json: true))
            #expect(retired.status == .ok)
            #expect(retired.json["secrets"]?.arrayValue?.map { $0["active"] } == [true, false])
            let refused = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody))
            refused.expectError(.unauthorized)
            #expect(
                try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody, secret: added))
                    .status == .accepted)
        }
    }
}
