public import Foundation

/// What an API key may do. Each role includes the ones before it.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Read jobs and results.
    case viewer
    /// Also create, cancel and retry jobs.
    case editor
    /// Also manage API keys and settings.
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .editor: 1
        case .admin: 2
        }
    }
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// A stored API key (the key itself is never stored, only its SHA-256).
public struct APIKey: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var role: Role
    public var tenant: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, name: String, role: Role, tenant: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.tenant = tenant
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// API keys beyond the bootstrap admin key.
public protocol APIKeyStore: Sendable {
    func create(_ key: APIKey, keyHash: String) async throws
    /// The live (not revoked) key with this hash.
    func key(withHash hash: String) async throws -> APIKey?
    func keys() async throws -> [APIKey]
    /// Marks the key revoked; false if there is no such live key.
    func revoke(id: String, now: Date) async throws -> Bool
}
