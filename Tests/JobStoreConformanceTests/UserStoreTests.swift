import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

@Suite("UserStore: dashboard users")
struct UserStoreTests {
    static func user(_ h: Harness, _ name: String, role: Role = .editor, tenant: String = NewJob.defaultTenant) -> UserAccount {
        UserAccount(id: UUID().uuidString.lowercased(), username: name, role: role, tenant: tenant, createdAt: h.clock.now())
    }

    @Test("users are stored with their hash, names are unique, lists are per tenant and oldest first", arguments: StoreKind.allCases)
    func createAndFind(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let ada = Self.user(h, "ada", role: .admin)
        #expect(try await h.stores.users.create(ada, passwordHash: "hash-of-ada"))
        h.clock.advance(by: 1)
        let bob = Self.user(h, "bob")
        #expect(try await h.stores.users.create(bob, passwordHash: "hash-of-bob"))
        #expect(try await h.stores.users.create(Self.user(h, "ada"), passwordHash: "other") == false, "the name is taken")
        _ = try await h.stores.users.create(Self.user(h, "eve", tenant: "other"), passwordHash: "x")

        let found = try #require(try await h.stores.users.user(named: "ada"))
        #expect(found.user == ada && found.passwordHash == "hash-of-ada")
        #expect(try await h.stores.users.user(id: bob.id) == bob)
        #expect(try await h.stores.users.user(named: "nobody") == nil)
        #expect(try await h.stores.users.users(tenant: NewJob.defaultTenant).map(\.username) == ["ada", "bob"])
    }

    @Test("a disabled user is not found for signing in; only its own tenant can disable it, once", arguments: StoreKind.allCases)
    func disable(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let bob = Self.user(h, "bob")
        _ = try await h.stores.users.create(bob, passwordHash: "hash")
        #expect(try await h.stores.users.disable(id: bob.id, tenant: "other", now: h.clock.now()) == false)
        h.clock.advance(by: 5)
        #expect(try await h.stores.users.disable(id: bob.id, tenant: NewJob.defaultTenant, now: h.clock.now()))
        #expect(try await h.stores.users.disable(id: bob.id, tenant: NewJob.defaultTenant, now: h.clock.now()) == false)
        #expect(try await h.stores.users.user(named: "bob") == nil)
        #expect(try await h.stores.users.user(id: bob.id) == nil)
        #expect(try await h.stores.users.users(tenant: NewJob.defaultTenant).first?.disabledAt == h.clock.now())
        #expect(try await h.stores.users.setPasswordHash("new", userID: bob.id) == false, "a disabled user's password stays")
    }

    @Test("a password hash is replaced for that user only", arguments: StoreKind.allCases)
    func changePassword(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let ada = Self.user(h, "ada")
        let bob = Self.user(h, "bob")
        _ = try await h.stores.users.create(ada, passwordHash: "old-ada")
        _ = try await h.stores.users.create(bob, passwordHash: "old-bob")
        #expect(try await h.stores.users.setPasswordHash("new-ada", userID: ada.id))
        #expect(try await h.stores.users.user(named: "ada")?.passwordHash == "new-ada")
        #expect(try await h.stores.users.user(named: "bob")?.passwordHash == "old-bob")
        #expect(try await h.stores.users.setPasswordHash("x", userID: "no-such-user") == false)
    }

    @Test("ending an identity's sessions raises its generation for every reader, and no other's", arguments: StoreKind.allCases)
    func sessionGenerations(kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let users = h.stores.users
        #expect(try await users.sessionGeneration(of: "user:ada") == 0, "never ended: generation 0")
        #expect(try await users.endSessions(of: "user:ada") == 1)
        #expect(try await users.endSessions(of: "user:ada") == 2)
        #expect(try await users.sessionGeneration(of: "user:ada") == 2)
        #expect(try await users.sessionGeneration(of: "user:bob") == 0, "another identity is untouched")
        #expect(try await users.endSessions(of: "key:0123abcd") == 1, "API-key identities have generations too")
        // Concurrent sign-outs each count: none is lost to a race.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await users.endSessions(of: "user:eve") } }
            var seen: Set<Int> = []
            for try await generation in group { seen.insert(generation) }
            #expect(seen == Set(1...8))
        }
        #expect(try await users.sessionGeneration(of: "user:eve") == 8)
    }
}
