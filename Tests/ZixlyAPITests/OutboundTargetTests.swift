import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore

/// Outbound endpoints cannot point Zixly at its own network (SSRF), nor carry smuggled bytes.
@Suite("Outbound webhook targets")
struct OutboundTargetTests {
    @Test("internal targets, in any spelling, and URLs with control characters, spaces or user-info are refused with 400 naming the rule")
    func refusedAtRegistration() async throws {
        let app = try await TestApp { $0.outboundPolicy = OutboundAddressPolicy() }  // no allow-list
        try await app.test { client in
            let hostile = [
                "http://127.0.0.1:9000/hook", "http://localhost:9000/", "http://10.0.0.1/", "http://192.168.0.1/",
                "http://169.254.169.254/latest/meta-data",
                "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://[::1]/",
                "http://[fd00::1]/", "http://100.64.0.1/", "http://172.16.5.4/", "https://[::ffff:a9fe:a9fe]/",
                "http://example.com/a\r\nX-Injected: 1", "http://example.com/a b", "http://user:pass@example.com/", "http://example.com/\u{7f}",
                "ftp://example.com/", "http://",
            ]
            for url in hostile {
                let body = String(decoding: try JSONEncoder().encode(["url": url]), as: UTF8.self)
                let response = try await client.post("/api/webhook-endpoints", body, headers: TestApp.bearer(json: true))
                response.expectError(.badRequest)
                #expect(response.json["details"]?["url"]?.stringValue?.isEmpty == false, "\(url): \(response.text)")
            }
            let internalRule = try await client.post(
                "/api/webhook-endpoints", #"{"url":"http://169.254.169.254/"}"#, headers: TestApp.bearer(json: true))
            #expect(internalRule.json["details"]?["url"]?.stringValue?.contains("169.254.0.0/16") == true, "names the rule: \(internalRule.text)")
            let list = try await client.get("/api/webhook-endpoints")
            #expect(list.json["endpoints"]?.arrayValue?.isEmpty == true, "nothing was stored")

            let fine = try await client.post(
                "/api/webhook-endpoints", #"{"url":"https://hooks.example.com/zixly?x=1"}"#, headers: TestApp.bearer(json: true))
            #expect(fine.status == .created)
        }
    }

    @Test("an operator's allowed range admits its addresses, and only those")
    func allowList() async throws {
        let app = try await TestApp { $0.outboundPolicy = OutboundAddressPolicy(allowed: [CIDR("10.20.0.0/16")!]) }
        try await app.test { client in
            #expect(
                try await client.post("/api/webhook-endpoints", #"{"url":"http://10.20.3.4:8080/"}"#, headers: TestApp.bearer(json: true)).status
                    == .created)
            try await client.post("/api/webhook-endpoints", #"{"url":"http://10.21.0.1/"}"#, headers: TestApp.bearer(json: true)).expectError(
                .badRequest)
        }
    }
}
