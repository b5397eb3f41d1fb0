public import Foundation
public import Logging
public import StandardWebhooks
import Synchronization
public import ZixlyCore

/// The secrets inbound webhooks are verified with: the configured ones (`ZIXLY_WEBHOOK_SECRETS`
/// or `secrets.json`) and those added at run time, minus every one retired and past its expiry.
///
/// Rotation works without a restart and across API replicas: the active set is read from the
/// store at most every `refreshInterval`, at once after a change made here, and again (at most
/// once a second) when a signature matches none of the cached secrets, so a secret added on
/// another replica verifies at its first use. A retirement reaches other replicas within
/// `refreshInterval`.
///
/// A verification reads the cache under a lock, without entering the actor, so concurrent
/// webhooks do not queue on it (each hop onto an actor and off it is a task switch, under load
/// often to another thread). Reads of the store and changes to it still go through the actor.
public actor InboundSigningSecrets {
    /// A secret as the settings show it; never its text.
    public struct Listing: Sendable, Equatable {
        public enum Source: String, Sendable { case configured, added }
        public var fingerprint: String
        public var source: Source
        public var createdAt: Date?
        public var expiresAt: Date?
        public var isActive: Bool
    }

    public enum RotationError: Error, Equatable, CustomStringConvertible {
        case unknown(fingerprint: String)
        case lastPermanentSecret
        public var description: String {
            switch self {
            case .unknown(let fingerprint): "no signing secret has the fingerprint \(fingerprint)"
            case .lastPermanentSecret: "this is the last secret without an expiry: add a new secret before retiring it"
            }
        }
    }

    let configured: [WebhookSecret]
    let store: any SigningSecretStore
    let clock: any WallClock
    let refreshInterval: Duration
    let logger: Logger
    /// When the store was last read, and the added (newest first) then configured secrets, each
    /// with its expiry, decoded once per read.
    private let cache = Mutex(Cache())

    private struct Cache {
        var loadedAt: Date?
        var candidates: [Candidate] = []
    }

    /// A secret that may verify: added ones (newest first), then configured ones, each with its
    /// expiry, decoded once per read of the store.
    private struct Candidate: Sendable {
        var secret: WebhookSecret
        var source: Listing.Source
        var createdAt: Date?
        var expiresAt: Date?
        func isActive(at now: Date) -> Bool { expiresAt.map { $0 > now } ?? true }
    }

    public init(
        configured: [WebhookSecret], store: any SigningSecretStore, clock: any WallClock, refreshInterval: Duration = .seconds(5),
        logger: Logger = Logger(label: "zixly")
    ) {
        self.configured = configured
        self.store = store
        self.clock = clock
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    /// Checks a Standard Webhooks signature against every active secret.
    /// - Throws: `WebhookVerificationError` for a bad message; a store error when the secrets were
    ///   never read and cannot be now.
    public nonisolated func verify(body: Data, header: (String) -> String?) async throws {
        let now = clock.now()
        let secrets: [WebhookSecret]
        if let cached = freshSecrets(now: now) { secrets = cached } else { secrets = try await current(now: now) }
        guard let failure = Self.failure(body: body, secrets: secrets, now: now, header: header) else { return }
        guard failure == .noMatchingSignature, let fresher = try await refreshedAfterMiss(now: now) else { throw failure }
        if let failure = Self.failure(body: body, secrets: fresher, now: now, header: header) { throw failure }
    }

    /// Why the message does not verify with `secrets`, or nil when it does.
    private static func failure(body: Data, secrets: [WebhookSecret], now: Date, header: (String) -> String?) -> WebhookVerificationError? {
        guard !secrets.isEmpty else { return .noMatchingSignature }
        do {
            try Webhook(secrets: secrets).verify(body: body, now: now, header: header)
            return nil
        } catch {
            return error
        }
    }

    /// Every configured and added secret, newest first, with whether it still verifies.
    public func listing() async throws -> [Listing] {
        let now = clock.now()
        try await reload(now: now)
        return cache.withLock { $0.candidates }.map { candidate in
            Listing(
                fingerprint: candidate.secret.fingerprint, source: candidate.source, createdAt: candidate.createdAt,
                expiresAt: candidate.expiresAt, isActive: candidate.isActive(at: now))
        }
    }

    /// The longest grace a retirement may have: a week.
    public static let graceRange: ClosedRange<TimeInterval> = 0...(7 * 86_400)

    /// Adds a new random secret, active at once, and returns it (the only time its text is
    /// shown). With `retiringOthersAfter`, every other active secret is retired after that grace:
    /// a rotation in one step, as Svix does it.
    public func add(retiringOthersAfter grace: TimeInterval? = nil) async throws -> WebhookSecret {
        let secret = WebhookSecret.generate()
        let now = clock.now()
        _ = try await store.addSigningSecret(StoredSigningSecret(fingerprint: secret.fingerprint, secret: secret.serialized, createdAt: now))
        logger.notice("webhook signing secret added", metadata: ["fingerprint": "\(secret.fingerprint)"])
        if let grace {
            for other in try await listing() where other.isActive && other.fingerprint != secret.fingerprint {
                try await retire(fingerprint: other.fingerprint, after: grace)
            }
        }
        try await reload(now: now)
        return secret
    }

    /// Stops the secret verifying after `grace` (0 = now). Refused for an unknown fingerprint and
    /// for the last secret that has no expiry, so some secret always verifies.
    public func retire(fingerprint: String, after grace: TimeInterval) async throws {
        let now = clock.now()
        let secrets = try await listing()
        guard let target = secrets.first(where: { $0.fingerprint == fingerprint }) else { throw RotationError.unknown(fingerprint: fingerprint) }
        let permanent = secrets.filter { $0.isActive && $0.expiresAt == nil }
        if target.expiresAt == nil, target.isActive, permanent.count == 1 { throw RotationError.lastPermanentSecret }
        try await store.retireSigningSecret(fingerprint: fingerprint, expiresAt: now.addingTimeInterval(max(0, grace)), now: now)
        try await reload(now: now)
        logger.notice("webhook signing secret retired", metadata: ["fingerprint": "\(fingerprint)", "grace_seconds": "\(grace)"])
    }

    /// The active secrets if the cache is fresh, else nil.
    private nonisolated func freshSecrets(now: Date) -> [WebhookSecret]? {
        cache.withLock { cache in
            guard let loadedAt = cache.loadedAt, now.timeIntervalSince(loadedAt) < refreshInterval.inSeconds else { return nil }
            return Self.active(cache.candidates, now: now)
        }
    }

    /// The active secrets, from the cache while it is fresh (a stale cache serves when the store fails).
    private func current(now: Date) async throws -> [WebhookSecret] {
        if let fresh = freshSecrets(now: now) { return fresh }
        do {
            try await reload(now: now)
        } catch  where cache.withLock({ $0.loadedAt != nil }) {
            logger.warning("webhook signing secrets not refreshed; using the last ones read", metadata: ["error": "\(error)"])
        }
        return activeSecrets(now: now)
    }

    /// After a signature matched nothing: the secrets read again if the cache is over a second
    /// old (a secret added on another replica), else nil.
    private func refreshedAfterMiss(now: Date) async throws -> [WebhookSecret]? {
        guard let loadedAt = cache.withLock({ $0.loadedAt }), now.timeIntervalSince(loadedAt) >= 1 else { return nil }
        try await reload(now: now)
        return activeSecrets(now: now)
    }

    private func reload(now: Date) async throws {
        let stored = try await store.signingSecrets()
        let expiries = Dictionary(stored.map { ($0.fingerprint, $0.expiresAt) }, uniquingKeysWith: { first, _ in first })
        var candidates: [Candidate] = []
        for record in stored.reversed() {
            guard let text = record.secret, let secret = try? WebhookSecret(text) else { continue }
            candidates.append(Candidate(secret: secret, source: .added, createdAt: record.createdAt, expiresAt: record.expiresAt))
        }
        for secret in configured {
            candidates.append(Candidate(secret: secret, source: .configured, expiresAt: expiries[secret.fingerprint] ?? nil))
        }
        cache.withLock { $0 = Cache(loadedAt: now, candidates: candidates) }
    }

    /// Expiry is checked against `now` on every call, so a retirement takes effect on time.
    private func activeSecrets(now: Date) -> [WebhookSecret] {
        Self.active(cache.withLock { $0.candidates }, now: now)
    }

    private static func active(_ candidates: [Candidate], now: Date) -> [WebhookSecret] {
        candidates.filter { $0.isActive(at: now) }.map(\.secret)
    }
}
