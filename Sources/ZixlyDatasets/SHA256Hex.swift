import Crypto
import Foundation

/// Lower-case hex SHA-256, as datasets are identified.
enum SHA256Hex {
    static func of(_ data: Data) -> String { hex(SHA256.hash(data: data)) }
    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
