import Crypto
public import Foundation

/// Signs and verifies webhooks by the Standard Webhooks scheme (https://www.standardwebhooks.com):
/// headers `webhook-id`, `webhook-timestamp` (Unix seconds), `webhook-signature`
/// (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, several space-separated).
/// Several secrets may be active at once (rotation): a message verifies if any of them signed it.
public struct Webhook: Sendable {
    public static let idHeader = "webhook-id"
    public static let timestampHeader = "webhook-timestamp"
    public static let signatureHeader = "webhook-signature"
    /// How far a timestamp may be from now, either way (the spec's 5 minutes).
    public static let defaultTolerance: TimeInterval = 5 * 60

    public let secrets: [WebhookSecret]
    public let tolerance: TimeInterval

    public init(secrets: [WebhookSecret], tolerance: TimeInterval = Webhook.defaultTolerance) {
        precondition(!secrets.isEmpty, "at least one secret is needed")
        self.secrets = secrets
        self.tolerance = tolerance
    }

    /// The three headers for a message, signed with the first (newest) secret.
    public func sign(id: String, timestamp: Date, body: some DataProtocol) -> [String: String] {
        let seconds = String(Int(timestamp.timeIntervalSince1970.rounded(.down)))
        return [
            Self.idHeader: id,
            Self.timestampHeader: seconds,
            Self.signatureHeader: "v1," + Self.signature(secret: secrets[0], id: id, timestamp: seconds, body: body),
        ]
    }

    /// Verifies a message. `header` looks a header up by lower-case name.
    /// - Throws: `WebhookVerificationError` saying which check failed.
    public func verify(body: some DataProtocol, now: Date, header: (String) -> String?) throws(WebhookVerificationError) {
        guard let id = header(Self.idHeader), !id.isEmpty else { throw .missingHeader(Self.idHeader) }
        guard let timestamp = header(Self.timestampHeader), !timestamp.isEmpty else {
            throw .missingHeader(Self.timestampHeader)
        }
        guard let signatures = header(Self.signatureHeader), !signatures.isEmpty else {
            throw .missingHeader(Self.signatureHeader)
        }
        guard let seconds = Int(timestamp) else { throw .invalidTimestamp }
        let age = now.timeIntervalSince1970 - TimeInterval(seconds)
        if age > tolerance { throw .timestampTooOld }
        if age < -tolerance { throw .timestampTooNew }
        let offered = signatures.split(separator: " ").compactMap { entry -> Data? in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1" else { return nil }
            return Data(base64Encoded: String(parts[1]))
        }
        for secret in secrets {
            let expected = Self.mac(secret: secret, id: id, timestamp: timestamp, body: body)
            if offered.contains(where: { Self.constantTimeEqual($0, expected) }) { return }
        }
        throw .noMatchingSignature
    }

    static func signature(secret: WebhookSecret, id: String, timestamp: String, body: some DataProtocol) -> String {
        mac(secret: secret, id: id, timestamp: timestamp, body: body).base64EncodedString()
    }

    static func mac(secret: WebhookSecret, id: String, timestamp: String, body: some DataProtocol) -> Data {
        var hmac = secret.keyedMAC
        var prefix = "\(id).\(timestamp)."
        prefix.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        hmac.update(data: body)
        return Data(hmac.finalize())
    }

    static func constantTimeEqual(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}

/// Why a webhook did not verify. `reason` is the bounded label used in metrics.
public enum WebhookVerificationError: Error, Equatable, CustomStringConvertible {
    case missingHeader(String)
    case invalidTimestamp
    case timestampTooOld
    case timestampTooNew
    case noMatchingSignature

    /// Every value `reason` takes.
    public static let reasons = ["missing_header", "invalid_timestamp", "stale_timestamp", "invalid_signature"]

    public var reason: String {
        switch self {
        case .missingHeader: "missing_header"
        case .invalidTimestamp: "invalid_timestamp"
        case .timestampTooOld, .timestampTooNew: "stale_timestamp"
        case .noMatchingSignature: "invalid_signature"
        }
    }

    public var description: String {
        switch self {
        case .missingHeader(let name): "missing \(name) header"
        case .invalidTimestamp: "webhook-timestamp is not Unix seconds"
        case .timestampTooOld: "webhook-timestamp is more than 5 minutes old"
        case .timestampTooNew: "webhook-timestamp is more than 5 minutes in the future"
        case .noMatchingSignature: "no webhook-signature matches"
        }
    }
}
