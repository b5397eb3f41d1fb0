import Foundation
import Testing

@testable import StandardWebhooks

@Suite("Standard Webhooks")
struct WebhookTests {
    // The reference vector used by the standard-webhooks libraries' own tests.
    static let secret = try! WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let body = Data(#"{"test": 2432232314}"#.utf8)
    static let timestamp = Date(timeIntervalSince1970: 1_614_265_330)

    func headers(_ webhook: Webhook, id: String = WebhookTests.id, at date: Date = WebhookTests.timestamp) -> [String: String] {
        webhook.sign(id: id, timestamp: date, body: Self.body)
    }

    @Test("signs the reference vector exactly")
    func referenceVector() {
        let signed = headers(Webhook(secrets: [Self.secret]))
        #expect(signed["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(signed["webhook-timestamp"] == "1614265330")
    }

    @Test("verifies its own signature, and any one of several signatures or secrets")
    func verifies() throws {
        let webhook = Webhook(secrets: [Self.secret])
        var signed = headers(webhook)
        try webhook.verify(body: Self.body, now: Self.timestamp) { signed[$0] }
        signed["webhook-signature"] = "v1,bm9wZQ== " + signed["webhook-signature"]!
        try webhook.verify(body: Self.body, now: Self.timestamp) { signed[$0] }
        let rotated = Webhook(secrets: [.generate(), Self.secret])
        try rotated.verify(body: Self.body, now: Self.timestamp) { signed[$0] }
    }

    @Test("rejects a changed body, a wrong secret, missing headers and stale or future timestamps")
    func rejects() {
        let webhook = Webhook(secrets: [Self.secret])
        let signed = headers(webhook)
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try webhook.verify(body: Data("{}".utf8), now: Self.timestamp) { signed[$0] }
        }
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try Webhook(secrets: [.generate()]).verify(body: Self.body, now: Self.timestamp) { signed[$0] }
        }
        for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            #expect(throws: WebhookVerificationError.missingHeader(name)) {
                try webhook.verify(body: Self.body, now: Self.timestamp) { $0 == name ? nil : signed[$0] }
            }
        }
        #expect(throws: WebhookVerificationError.timestampTooOld) {
            try webhook.verify(body: Self.body, now: Self.timestamp.addingTimeInterval(301)) { signed[$0] }
        }
        #expect(throws: WebhookVerificationError.timestampTooNew) {
            try webhook.verify(body: Self.body, now: Self.timestamp.addingTimeInterval(-301)) { signed[$0] }
        }
        #expect(throws: WebhookVerificationError.invalidTimestamp) {
            try webhook.verify(body: Self.body, now: Self.timestamp) { $0 == "webhook-timestamp" ? "yesterday" : signed[$0] }
        }
        #expect(throws: WebhookVerificationError.noMatchingSignature) {
            try webhook.verify(body: Self.body, now: Self.timestamp) { $0 == "webhook-signature" ? "v2,abc" : signed[$0] }
        }
    }

    @Test("secrets parse with or without the prefix, refuse junk, and never print themselves")
    func secrets() throws {
        #expect(try WebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == Self.secret)
        #expect(throws: WebhookSecretError.notBase64) { try WebhookSecret("whsec_!!!") }
        #expect(throws: WebhookSecretError.tooShort(bytes: 3)) { try WebhookSecret("whsec_YWJj") }
        let generated = WebhookSecret.generate()
        #expect(try WebhookSecret(generated.serialized) == generated)
        #expect("\(generated)" == "whsec_***")
    }
}
