import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

@Suite("SigningSecretStore: inbound secrets added and retired at run time")
struct SigningSecretStoreTests {
    @Test(
        "added secrets list oldest first; a fingerprint is added once; retiring keeps the earliest expiry and records configured secrets",
        arguments: StoreKind.allCases)
    func addAndRetire(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let store = h.stores.signingSecrets
        let first = StoredSigningSecret(fingerprint: "sha256:0000000000000001", secret: "whsec_first", createdAt: h.clock.now())
        #expect(try await store.addSigningSecret(first))
        h.clock.advance(by: 10)
        let second = StoredSigningSecret(fingerprint: "sha256:0000000000000002", secret: "whsec_second", createdAt: h.clock.now())
        #expect(try await store.addSigningSecret(second))
        #expect(
            try await store.addSigningSecret(StoredSigningSecret(fingerprint: first.fingerprint, secret: "whsec_other", createdAt: h.clock.now()))
                == false)
        #expect(try await store.signingSecrets() == [first, second])

        let inAnHour = h.clock.now().addingTimeInterval(3600)
        try await store.retireSigningSecret(fingerprint: first.fingerprint, expiresAt: inAnHour, now: h.clock.now())
        try await store.retireSigningSecret(fingerprint: first.fingerprint, expiresAt: inAnHour.addingTimeInterval(60), now: h.clock.now())
        try await store.retireSigningSecret(fingerprint: "sha256:00000000000000c0", expiresAt: h.clock.now(), now: h.clock.now())
        let secrets = try await store.signingSecrets()
        #expect(secrets.count == 3)
        let retired = try #require(secrets.first { $0.fingerprint == first.fingerprint })
        #expect(retired.secret == "whsec_first" && retired.expiresAt == inAnHour, "the secret is kept and the earlier expiry wins")
        #expect(retired.isActive(at: inAnHour.addingTimeInterval(-1)) && !retired.isActive(at: inAnHour))
        let configured = try #require(secrets.first { $0.fingerprint == "sha256:00000000000000c0" })
        #expect(configured.secret == nil && configured.expiresAt == h.clock.now() && !configured.isActive(at: h.clock.now()))
        try await store.retireSigningSecret(fingerprint: second.fingerprint, expiresAt: h.clock.now(), now: h.clock.now())
        #expect(try await store.signingSecrets().first { $0.fingerprint == second.fingerprint }?.expiresAt == h.clock.now())
    }
}
