import Testing
import ZixlyAPI

@Suite("Password hashes")
struct PasswordsTests {
    @Test("a hash verifies its password only; salts differ; malformed or weakened hashes never verify")
    func hashAndVerify() throws {
        let first = try Passwords.hash("correct horse battery staple")
        let second = try Passwords.hash("correct horse battery staple")
        #expect(first.hasPrefix("scrypt$17$8$1$") && first != second)
        #expect(Passwords.verify("correct horse battery staple", against: first))
        #expect(Passwords.verify("correct horse battery staple", against: second))
        #expect(!Passwords.verify("correct horse battery stapler", against: first))
        #expect(!Passwords.verify("", against: first))
        for broken in ["", "scrypt$15$8$1$", "bcrypt$x", first.replacingOccurrences(of: "scrypt$17$", with: "scrypt$2$"), String(first.dropLast(4))] {
            #expect(!Passwords.verify("correct horse battery staple", against: broken), "\(broken)")
        }
        #expect(Passwords.problem(with: "short") != nil && Passwords.problem(with: "twelve chars") == nil)
        #expect(!Passwords.needsRehash(first))
        let weak = try Passwords.hash("correct horse battery staple", logN: 15)
        #expect(Passwords.needsRehash(weak) && Passwords.verify("correct horse battery staple", against: weak), "an old-cost hash still verifies")
        #expect(!Passwords.verify("", against: Passwords.decoy) && !Passwords.needsRehash(Passwords.decoy))
    }
}
