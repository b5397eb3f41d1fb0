import Crypto
import Foundation
import Hummingbird
import ZixlyCore

/// Reads `Authorization: Bearer <key>` and sets the request's principal. The bootstrap admin key
/// comes from configuration; other keys are looked up by their SHA-256 in the key store.
/// A request without a valid key continues without a principal; routes call `require(_:)`.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let adminKeyHash: String
    let keys: any APIKeyStore

    init(adminKey: String, keys: any APIKeyStore) {
        adminKeyHash = APIKeys.hash(adminKey)
        self.keys = keys
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer ") else {
                throw APIError.unauthorized("Authorization must be 'Bearer <API key>'")
            }
            let hash = APIKeys.hash(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            if APIKeys.constantTimeEqual(hash, adminKeyHash) {
                context.principal = Principal(keyID: "bootstrap-admin", role: .admin, tenant: NewJob.defaultTenant)
            } else if let key = try await keys.key(withHash: hash) {
                context.principal = Principal(keyID: key.id, role: key.role, tenant: key.tenant)
            } else {
                throw APIError.unauthorized("invalid or revoked API key")
            }
        }
        return try await next(request, context)
    }
}

/// API key text and hashing. Keys look like `zk_<43 base64url characters>` (256 random bits).
public enum APIKeys {
    public static func generate() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return "zk_" + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Lower-case hex SHA-256: what the key store keeps instead of the key.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
