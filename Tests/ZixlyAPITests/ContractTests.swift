import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore

/// The API answers what its description says: bodies of the wrong JSON type are 400, unknown
/// methods on known paths 405 with `Allow`.
@Suite("API contract")
struct ContractTests {
    @Test(
        "a JSON body that is not an object is 400 naming its type, on every JSON POST",
        arguments: [
            "/api/webhook-signing-secrets", "/api/keys", "/api/webhook-endpoints", "/api/pipelines",
        ])
    func bodyMustBeObject(path: String) async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            for (body, kind) in [("[]", "an array"), ("\"x\"", "a string"), ("3", "a number"), ("null", "null"), ("true", "a boolean")] {
                let response = try await client.post(path, body, headers: TestApp.bearer(json: true))
                response.expectError(.badRequest)
                #expect(response.json["details"]?["body"]?.stringValue == "is \(kind), not an object", "\(path) \(body): \(response.text)")
            }
            let secrets = try await client.get("/api/webhook-signing-secrets")
            #expect(secrets.json["secrets"]?.arrayValue?.count == 1, "no secret was created from []: \(secrets.text)")
        }
    }

    @Test("an unknown method on a known path is 405 with Allow; on an unknown path 404")
    func methodNotAllowed() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let put = try await client.execute(uri: "/api/pipelines/0b5c9e4a-0000-4000-8000-000000000000", method: .put, headers: TestApp.bearer())
            put.expectError(.methodNotAllowed)
            #expect(put.headers[.allow] == "DELETE, GET, HEAD")
            let patch = try await client.execute(uri: "/webhook/trading-sweep", method: .patch)
            #expect(patch.status == .methodNotAllowed && patch.headers[.allow] == "POST")
            try await client.execute(uri: "/nowhere", method: .put).expectError(.notFound)
        }
    }
}
