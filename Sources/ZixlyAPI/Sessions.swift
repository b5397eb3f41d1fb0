import Crypto
public import Foundation
import ZixlyCore

/// Browser sessions for the dashboard, as signed cookies: who signed in (a user's id, or the hash
/// of the API key they used, never the key), the identity's session generation when it signed in,
/// and when the session ends. On every request the user or key is looked up again (disabling or
/// revoking it ends its sessions) and so is the generation: signing out or changing the password
/// raises it in the database (`UserStore.endSessions(of:)`), which ends every session of that
/// identity in every replica at once. The signing key is derived from the admin key, which every
/// replica shares: rotating it signs everyone out.
public struct Sessions: Sendable {
    public struct Session: Sendable, Equatable, Codable {
        /// `key:<SHA-256 of the API key>` or `user:<user id>`.
        var subject: String
        var expires: Int
        /// The identity's session generation when the session began.
        var generation: Int
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
    public func issue(subject: Subject, generation: Int, now: Date) -> String {
        let nonce = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }.base64URL
        let session = Session(
            subject: subject.text, expires: Int(now.timeIntervalSince1970 + Self.lifetime), generation: generation, nonce: nonce)
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

    /// Who a session is for.
    public enum Subject: Sendable, Equatable {
        case apiKey(hash: String)
        case user(id: String)

        var text: String {
            switch self {
            case .apiKey(let hash): "key:\(hash)"
            case .user(let id): "user:\(id)"
            }
        }

        init?(_ text: String) {
            if text.hasPrefix("key:") {
                self = .apiKey(hash: String(text.dropFirst(4)))
            } else if text.hasPrefix("user:") {
                self = .user(id: String(text.dropFirst(5)))
            } else {
                return nil
            }
        }
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
