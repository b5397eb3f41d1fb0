import Crypto
import Foundation
import ZixlyCore

/// Browser sessions for the dashboard, as signed cookies: who signed in (the hash of the API key
/// they used, never the key), their role and tenant, and when the session ends. Nothing is stored
/// on the server, so every API replica accepts the cookie; the key is looked up again on every
/// request, so revoking it ends its sessions. The signing key is derived from the admin key, which
/// every replica shares: rotating it signs everyone out.
public struct Sessions: Sendable {
    public struct Session: Sendable, Equatable, Codable {
        /// SHA-256 of the API key that signed in (`admin` for the bootstrap admin key).
        var keyHash: String
        var expires: Int
        /// Random, per session: the CSRF token is derived from it.
        var nonce: String
    }

    public static let cookieName = "zixly_session"
    public static let lifetime: TimeInterval = 12 * 3600
    let key: SymmetricKey

    public init(adminKey: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(("zixly-session-v1|" + adminKey).utf8)))
    }

    /// A new session's cookie value.
    public func issue(keyHash: String, now: Date) -> String {
        let nonce = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }.base64URL
        let session = Session(keyHash: keyHash, expires: Int(now.timeIntervalSince1970 + Self.lifetime), nonce: nonce)
        let payload = (try? JSONEncoder().encode(session)) ?? Data()
        return payload.base64URL + "." + Data(HMAC<SHA256>.authenticationCode(for: payload, using: key)).base64URL
    }

    /// The session in a cookie value, if its signature holds and it has not ended.
    func verify(_ cookie: String, now: Date) -> Session? {
        let parts = cookie.split(separator: ".")
        guard parts.count == 2, let payload = Data(base64URL: String(parts[0])), let mac = Data(base64URL: String(parts[1])),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key),
              let session = try? JSONDecoder().decode(Session.self, from: payload),
              Double(session.expires) > now.timeIntervalSince1970
        else { return nil }
        return session
    }

    /// The token every form of this session must send back (`_csrf`).
    func csrfToken(for session: Session) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(("csrf|" + session.nonce).utf8), using: key)).base64URL
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
