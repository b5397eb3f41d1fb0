import Foundation
import StandardWebhooks
import Testing
import ZixlyAPI
import ZixlyCore
import ZixlyTesting

/// Rotation of the inbound signing secrets, on a real store shared by two "replicas".
@Suite("Inbound signing secrets")
struct InboundSigningSecretsTests {
    static let body = Data(#"{"ticker":"GOOG"}"#.utf8)

    /// Whether a message signed with `secret` now verifies.
    static func accepts(_ secrets: InboundSigningSecrets, _ secret: WebhookSecret, clock: ManualClock) async throws -> Bool {
        let headers = Webhook(secrets: [secret]).sign(id: "msg_\(UUID().uuidString)", timestamp: clock.now(), body: body)
        do {
            try await secrets.verify(body: body) { headers[$0] }
            return true
        } catch is WebhookVerificationError {
            return false
        }
    }

    @Test("a new secret verifies at once; configured ones retire now or after a grace; the last secret without an end date cannot retire")
    func rotate() async throws {
        let stores = try await TestStores.make(.sqlite)
        let clock = ManualClock()
        let original = WebhookSecret.generate()
        let secrets = InboundSigningSecrets(configured: [original], store: stores.signingSecrets, clock: clock)
        #expect(try await Self.accepts(secrets, original, clock: clock))
        await #expect(throws: InboundSigningSecrets.RotationError.lastPermanentSecret) {
            try await secrets.retire(fingerprint: original.fingerprint, after: 0)
        }
        await #expect(throws: InboundSigningSecrets.RotationError.unknown(fingerprint: "sha256:nope")) {
            try await secrets.retire(fingerprint: "sha256:nope", after: 0)
        }

        let added = try await secrets.add(retiringOthersAfter: 3600)
        #expect(try await Self.accepts(secrets, added, clock: clock))
        #expect(try await Self.accepts(secrets, original, clock: clock))
        let listing = try await secrets.listing()
        #expect(listing.map(\.fingerprint) == [added.fingerprint, original.fingerprint])
        #expect(listing.map(\.source) == [.added, .configured])
        #expect(listing[1].expiresAt == clock.now().addingTimeInterval(3600) && listing[1].isActive)
        clock.advance(by: 3599)
        #expect(try await Self.accepts(secrets, original, clock: clock), "still inside the grace period")
        clock.advance(by: 1)
        #expect(try await !Self.accepts(secrets, original, clock: clock), "retired at the end of the grace period")
        #expect(try await Self.accepts(secrets, added, clock: clock))
        #expect(try await secrets.listing().map(\.isActive) == [true, false])
        await #expect(throws: InboundSigningSecrets.RotationError.lastPermanentSecret) {
            try await secrets.retire(fingerprint: added.fingerprint, after: 60)
        }
        #expect(try await !Self.accepts(secrets, .generate(), clock: clock))
    }

    @Test("replicas sharing the database: a secret added on one verifies on the other at first use; a retirement arrives within the refresh interval")
    func replicas() async throws {
        let stores = try await TestStores.make(.sqlite)
        let clock = ManualClock()
        let original = WebhookSecret.generate()
        let one = InboundSigningSecrets(configured: [original], store: stores.signingSecrets, clock: clock, refreshInterval: .seconds(5))
        let two = InboundSigningSecrets(configured: [original], store: stores.signingSecrets, clock: clock, refreshInterval: .seconds(5))
        #expect(try await Self.accepts(two, original, clock: clock))
        clock.advance(by: 1)
        let added = try await one.add()
        #expect(try await Self.accepts(two, added, clock: clock), "a miss reads the store again")
        try await one.retire(fingerprint: original.fingerprint, after: 0)
        #expect(try await !Self.accepts(one, original, clock: clock))
        #expect(try await Self.accepts(two, original, clock: clock), "the other replica's cache is fresh for a few seconds")
        clock.advance(by: 5)
        #expect(try await !Self.accepts(two, original, clock: clock))
    }
}
