import Foundation
import Testing
import ZixlyAPI

@Suite("Password hashes")
struct PasswordsTests {
    @Test("a hash verifies its password only; salts differ; malformed or weakened hashes never verify")
    func hashAndVerify() throws {
        // At OWASP's cost once (slow in a debug build); the rest at a lower one.
        let current = try Passwords.hash("correct horse battery staple")
        #expect(current.hasPrefix("scrypt$17$8$1$") && Passwords.verify("correct horse battery staple", against: current))
        #expect(!Passwords.needsRehash(current))
        let first = try Passwords.hash("correct horse battery staple", logN: 12)
        let second = try Passwords.hash("correct horse battery staple", logN: 12)
        #expect(first.hasPrefix("scrypt$12$8$1$") && first != second)
        #expect(Passwords.verify("correct horse battery staple", against: first))
        #expect(Passwords.verify("correct horse battery staple", against: second))
        #expect(!Passwords.verify("correct horse battery stapler", against: first))
        #expect(!Passwords.verify("", against: first))
        for broken in ["", "scrypt$15$8$1$", "bcrypt$x", first.replacingOccurrences(of: "scrypt$12$", with: "scrypt$2$"), String(first.dropLast(4))] {
            #expect(!Passwords.verify("correct horse battery staple", against: broken), "\(broken)")
        }
        #expect(Passwords.problem(with: "short") != nil && Passwords.problem(with: "twelve chars") == nil)
        #expect(Passwords.needsRehash(first) && !Passwords.needsRehash(first, logN: 12), "below the current cost: replaced at sign-in")
        #expect(!Passwords.verify("", against: Passwords.decoy(logN: 12)) && !Passwords.needsRehash(Passwords.decoy()))
    }
}
