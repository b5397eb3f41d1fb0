import Crypto
import Foundation
import Hummingbird
public import ZixlyCore

/// Reads `Authorization: Bearer <key>` and sets the request's principal. The bootstrap admin key
/// comes from configuration; other keys are looked up by their SHA-256 in the key store.
/// A request without a valid key continues without a principal; routes call `require(_:)`.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let keys: KeyPrincipals

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer ") else {
                throw APIError.unauthorized("Authorization must be 'Bearer <API key>'")
            }
            let hash = APIKeys.hash(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            guard let principal = try await keys.principal(forKeyHash: hash) else { throw APIError.unauthorized("invalid or revoked API key") }
            context.principal = principal
        }
        return try await next(request, context)
    }
}

/// Who an API key signs in as, by the key's hash: the bootstrap admin (`ZIXLY_ADMIN_API_KEY`), or
/// a live key of the store. The one place bearer keys, dashboard sign-in and sessions ask.
public struct KeyPrincipals: Sendable {
    let adminKeyHash: String
    let keys: any APIKeyStore

    public init(adminKey: String, keys: any APIKeyStore) {
        adminKeyHash = APIKeys.hash(adminKey)
        self.keys = keys
    }

    /// The principal of the key with this hash; nil for an unknown or revoked key.
    public func principal(forKeyHash hash: String) async throws -> Principal? {
        if APIKeys.constantTimeEqual(hash, adminKeyHash) {
            return Principal(keyID: "bootstrap-admin", role: .admin, tenant: NewJob.defaultTenant)
        }
        return try await keys.key(withHash: hash).map { Principal(keyID: $0.id, role: $0.role, tenant: $0.tenant) }
    }
}

/// API key text and hashing. Keys look like `zk_<43 base64url characters>` (256 random bits).
public enum APIKeys {
    public static func generate() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return "zk_"
            + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Lower-case hex SHA-256: what the key store keeps instead of the key.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
