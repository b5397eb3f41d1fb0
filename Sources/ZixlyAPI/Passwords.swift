import Crypto
import CryptoExtras
import Foundation

/// Password hashes for dashboard users: scrypt (N = 2^15, r = 8, p = 1; about 32 MiB and a tenth
/// of a second), a random 16-byte salt, stored as `scrypt$15$8$1$<salt>$<hash>` (base64) so the
/// cost can rise later without breaking stored hashes.
public enum Passwords {
    public static let minimumLength = 12

    /// A new hash of `password`.
    public static func hash(_ password: String) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let key = try derive(password, salt: salt, logN: 15, r: 8, p: 1)
        return "scrypt$15$8$1$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    /// Whether `password` matches `stored` (compared in constant time); false for a malformed hash.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              (10...20).contains(logN), (1...16).contains(r), (1...4).contains(p),
              let salt = Data(base64Encoded: String(parts[4])), Data(base64Encoded: String(parts[5])) != nil,
              let actual = try? derive(password, salt: salt, logN: logN, r: r, p: p)
        else { return false }
        return APIKeys.constantTimeEqual(actual.base64EncodedString(), String(parts[5]))
    }

    /// What is wrong with a new password, if anything.
    public static func problem(with password: String) -> String? {
        password.count < minimumLength ? "must be at least \(minimumLength) characters" : nil
    }

    private static func derive(_ password: String, salt: Data, logN: Int, r: Int, p: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Data($0) }
    }
}
