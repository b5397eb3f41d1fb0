import Crypto
import CryptoExtras
import Foundation

/// Password hashes for dashboard users: scrypt at OWASP's minimum (N = 2^17, r = 8, p = 1: 128 MiB
/// and about 0.3 s here), a random 16-byte salt, stored as `scrypt$17$8$1$<salt>$<hash>` (base64)
/// so that the cost can rise: a hash made with less is replaced at its user's next sign-in.
///
/// These functions are slow on purpose and block their thread: the server calls them only
/// through `PasswordHasher`, which runs them off the event loops, a bounded number at a time.
public enum Passwords {
    public static let minimumLength = 12
    /// The cost of new hashes: log2 of scrypt's N.
    public static let currentLogN = 17

    /// A new hash of `password`.
    public static func hash(_ password: String, logN: Int = currentLogN) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let key = try derive(password, salt: salt, logN: logN, r: 8, p: 1)
        return "scrypt$\(logN)$8$1$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    /// Whether `password` matches `stored` (compared in constant time); false for a malformed hash.
    public static func verify(_ password: String, against stored: String) -> Bool {
        guard let parsed = Parsed(stored), let actual = try? derive(password, salt: parsed.salt, logN: parsed.logN, r: parsed.r, p: parsed.p)
        else { return false }
        return APIKeys.constantTimeEqual(actual.base64EncodedString(), parsed.hash)
    }

    /// Whether `stored` was made with less than `logN` (and should be replaced).
    public static func needsRehash(_ stored: String, logN: Int = currentLogN) -> Bool {
        guard let parsed = Parsed(stored) else { return true }
        return parsed.logN < logN || parsed.r < 8
    }

    /// A well-formed hash of no password at cost `logN`: what an unknown user name is checked
    /// against, so that it costs as long as a wrong password and names cannot be told by timing.
    public static func decoy(logN: Int = currentLogN) -> String {
        "scrypt$\(logN)$8$1$\(Data(repeating: 0x5a, count: 16).base64EncodedString())$" + Data(repeating: 0xa5, count: 32).base64EncodedString()
    }

    /// What is wrong with a new password, if anything.
    public static func problem(with password: String) -> String? {
        password.count < minimumLength ? "must be at least \(minimumLength) characters" : nil
    }

    private struct Parsed {
        var logN: Int, r: Int, p: Int, salt: Data, hash: String

        init?(_ stored: String) {
            let parts = stored.split(separator: "$")
            guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
                (10...20).contains(logN), (1...16).contains(r), (1...4).contains(p),
                let salt = Data(base64Encoded: String(parts[4])), Data(base64Encoded: String(parts[5])) != nil
            else { return nil }
            (self.logN, self.r, self.p, self.salt, self.hash) = (logN, r, p, salt, String(parts[5]))
        }
    }

    private static func derive(_ password: String, salt: Data, logN: Int, r: Int, p: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Data($0) }
    }
}
