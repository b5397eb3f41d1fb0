public import Foundation

/// An inbound webhook signing secret as the database keeps it: one added at run time (its
/// `whsec_` text), or a configured one that was retired at run time (its fingerprint only).
public struct StoredSigningSecret: Sendable, Equatable {
    /// What identifies the secret without revealing it (see `WebhookSecret.fingerprint`).
    public var fingerprint: String
    /// The `whsec_…` text; nil for a configured secret, which lives in the configuration.
    public var secret: String?
    public var createdAt: Date
    /// When it stops verifying; nil while it is meant to stay.
    public var expiresAt: Date?

    public init(fingerprint: String, secret: String?, createdAt: Date, expiresAt: Date? = nil) {
        self.fingerprint = fingerprint
        self.secret = secret
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public func isActive(at now: Date) -> Bool { expiresAt.map { $0 > now } ?? true }
}

/// The inbound signing secrets changed at run time (rotation from the dashboard or the API),
/// shared by every API process through the job database.
public protocol SigningSecretStore: Sendable {
    /// Every stored secret and retirement, oldest first.
    func signingSecrets() async throws -> [StoredSigningSecret]
    /// Stores a new secret; false if one with this fingerprint exists.
    func addSigningSecret(_ secret: StoredSigningSecret) async throws -> Bool
    /// Makes the secret stop verifying at `expiresAt` (or keeps an earlier time already set),
    /// recording the fingerprint if it is a configured secret the store has not seen.
    func retireSigningSecret(fingerprint: String, expiresAt: Date, now: Date) async throws
}
