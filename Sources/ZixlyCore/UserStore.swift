public import Foundation

/// A person who signs in to the dashboard with a user name and password (an admin makes them).
public struct UserAccount: Sendable, Equatable {
    public var id: String
    /// Lower-case, unique.
    public var username: String
    public var role: Role
    public var tenant: String
    public var createdAt: Date
    public var disabledAt: Date?

    public init(id: String, username: String, role: Role, tenant: String, createdAt: Date, disabledAt: Date? = nil) {
        self.id = id
        self.username = username
        self.role = role
        self.tenant = tenant
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }
}

/// Dashboard users and their password hashes (never the passwords), in the job database, and
/// the session generation of every identity that signs in (a user or an API key).
public protocol UserStore: Sendable {
    /// Stores the user; false if the user name is taken.
    func create(_ user: UserAccount, passwordHash: String) async throws -> Bool
    /// The active user with this name, and its password hash.
    func user(named username: String) async throws -> (user: UserAccount, passwordHash: String)?
    /// The active user with this id.
    func user(id: String) async throws -> UserAccount?
    /// The tenant's users, disabled ones too, oldest first.
    func users(tenant: String) async throws -> [UserAccount]
    /// Replaces an active user's password hash; false if there is no such active user.
    func setPasswordHash(_ hash: String, userID: String) async throws -> Bool
    /// Disables the user (its sessions end); false if there is no such active user.
    func disable(id: String, tenant: String, now: Date) async throws -> Bool
    /// The session generation of `subject` (`user:<id>` or `key:<SHA-256 of the key>`): 0 until
    /// its sessions are first ended. A session cookie is valid only while it carries this number.
    func sessionGeneration(of subject: String) async throws -> Int
    /// Ends every session of `subject` issued so far, in every replica at once: its generation goes
    /// up by one. Returns the new generation.
    func endSessions(of subject: String) async throws -> Int
}
