/// What makes a request create at most one job, within its tenant and its namespace: a signed
/// webhook's `webhook-id` and an API client's `Idempotency-Key` live apart, so neither can be
/// used to reach (or block) a job made through the other. Stored as `<namespace>:<key>`.
public struct IdempotencyKey: Sendable, Hashable {
    public enum Namespace: String, Sendable {
        /// The Standard Webhooks `webhook-id` header.
        case webhook
        /// The REST API's `Idempotency-Key` header.
        case api
    }

    /// The longest key accepted, in bytes (UTF-8).
    public static let maxBytes = 255

    public let namespace: Namespace
    public let key: String

    /// - Throws: `Invalid` for an empty key, one over `maxBytes`, or one with control characters.
    public init(_ key: String, namespace: Namespace) throws(Invalid) {
        guard !key.isEmpty, key.utf8.count <= Self.maxBytes else { throw Invalid(problem: "must be 1 to \(Self.maxBytes) bytes") }
        guard !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw Invalid(problem: "must not contain control characters")
        }
        (self.namespace, self.key) = (namespace, key)
    }

    /// The value in the jobs table's `idempotency_key` column.
    public var stored: String { "\(namespace.rawValue):\(key)" }

    public struct Invalid: Error, CustomStringConvertible {
        public var problem: String
        public var description: String { problem }
    }
}
