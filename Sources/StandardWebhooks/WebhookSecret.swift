import Crypto
import Foundation

/// A Standard Webhooks signing secret: `whsec_` followed by the base64 of 24–64 random bytes.
public struct WebhookSecret: Sendable, Equatable, CustomStringConvertible {
    public static let prefix = "whsec_"
    let key: SymmetricKey
    /// An HMAC already keyed with `key`: a copy signs a message without hashing the key's two
    /// padded blocks again (the copy shares its state until it is first updated).
    let keyedMAC: HMAC<SHA256>

    /// Parses `whsec_<base64>` (the prefix is optional, as in the reference libraries).
    /// - Throws: `WebhookSecretError` naming what is wrong; never echoes the secret.
    public init(_ text: String) throws(WebhookSecretError) {
        let encoded = text.hasPrefix(Self.prefix) ? String(text.dropFirst(Self.prefix.count)) : text
        guard let bytes = Data(base64Encoded: encoded) else { throw .notBase64 }
        guard bytes.count >= 16 else { throw .tooShort(bytes: bytes.count) }
        key = SymmetricKey(data: bytes)
        keyedMAC = HMAC(key: key)
    }

    /// A new random secret of `byteCount` bytes (default 32).
    public static func generate(byteCount: Int = 32) -> WebhookSecret {
        let key = SymmetricKey(size: .init(bitCount: byteCount * 8))
        return try! WebhookSecret(prefix + key.withUnsafeBytes { Data($0).base64EncodedString() })
    }

    /// The `whsec_…` text form, for storing and for client libraries.
    public var serialized: String { Self.prefix + key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// Names the secret without revealing it: `sha256:` and the first 16 hex digits of the
    /// SHA-256 of its key, the same wherever the secret is configured.
    public var fingerprint: String {
        let digest = key.withUnsafeBytes { SHA256.hash(data: Data($0)) }
        return "sha256:" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Redacted: a secret never reaches a log line through string interpolation.
    public var description: String { "whsec_***" }

    public static func == (lhs: WebhookSecret, rhs: WebhookSecret) -> Bool { lhs.serialized == rhs.serialized }
}

public enum WebhookSecretError: Error, Equatable, CustomStringConvertible {
    case notBase64
    case tooShort(bytes: Int)

    public var description: String {
        switch self {
        case .notBase64: "webhook secret is not whsec_ followed by base64"
        case .tooShort(let bytes): "webhook secret holds \(bytes) bytes; at least 16 are required"
        }
    }
}
