import Crypto
public import Foundation

/// AWS Signature Version 4 for S3 requests (header and presigned-URL forms), pure: no I/O.
/// Checked against botocore's signer on the same requests (Tests/ZixlyArtifactsTests).
public struct SigV4Signer: Sendable {
    public struct Credentials: Sendable {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String?
        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public let credentials: Credentials
    public let region: String
    public let service: String

    public init(credentials: Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to a request: `x-amz-date`, `x-amz-content-sha256`, the session token
    /// if any, and `Authorization`. `headers` must include `host`.
    public func sign(method: String, url: URL, headers: [String: String], payloadHash: String, date: Date) -> [String: String] {
        let (amzDate, day) = Self.timestamps(date)
        var signed = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        signed["x-amz-date"] = amzDate
        signed["x-amz-content-sha256"] = payloadHash
        if let token = credentials.sessionToken { signed["x-amz-security-token"] = token }
        let names = signed.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(signed[$0]!.trimmingCharacters(in: .whitespaces))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonical = [
            method, Self.canonicalPath(url), Self.canonicalQuery(url), canonicalHeaders, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let signature = signature(canonicalRequest: canonical, amzDate: amzDate, day: day)
        var result = signed
        result["authorization"] =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(day)), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return result
    }

    /// A URL anyone can GET until `expires` seconds after `date` (at most 7 days).
    public func presignedURL(method: String = "GET", url: URL, expires: Int, date: Date) -> URL {
        let (amzDate, day) = Self.timestamps(date)
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        var items = components.percentEncodedQueryItems ?? []
        items += [
            URLQueryItem(name: "X-Amz-Algorithm", value: "AWS4-HMAC-SHA256"),
            URLQueryItem(name: "X-Amz-Credential", value: Self.encode("\(credentials.accessKeyID)/\(scope(day))")),
            URLQueryItem(name: "X-Amz-Date", value: amzDate),
            URLQueryItem(name: "X-Amz-Expires", value: String(min(expires, 604_800))),
            URLQueryItem(name: "X-Amz-SignedHeaders", value: "host"),
        ]
        if let token = credentials.sessionToken { items.append(URLQueryItem(name: "X-Amz-Security-Token", value: Self.encode(token))) }
        components.percentEncodedQueryItems = items
        let unsigned = components.url!
        let canonical = [
            method, Self.canonicalPath(unsigned), Self.canonicalQuery(unsigned), "host:\(Self.host(unsigned))\n", "host", Self.unsignedPayload,
        ].joined(separator: "\n")
        items.append(URLQueryItem(name: "X-Amz-Signature", value: signature(canonicalRequest: canonical, amzDate: amzDate, day: day)))
        components.percentEncodedQueryItems = items
        return components.url!
    }

    /// Lower-case hex SHA-256 of a payload (for `x-amz-content-sha256`).
    public static func hash(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// `host[:port]` as it must appear in the `host` header.
    public static func host(_ url: URL) -> String {
        let host = url.host ?? ""
        if let port = url.port, !(url.scheme == "https" && port == 443), !(url.scheme == "http" && port == 80) { return "\(host):\(port)" }
        return host
    }

    private func scope(_ day: String) -> String { "\(day)/\(region)/\(service)/aws4_request" }

    private func signature(canonicalRequest: String, amzDate: String, day: String) -> String {
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope(day), Self.hash(Data(canonicalRequest.utf8))].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    static func timestamps(_ date: Date) -> (amzDate: String, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year!, c.month!, c.day!)
        return (day + String(format: "T%02d%02d%02dZ", c.hour!, c.minute!, c.second!), day)
    }

    /// The path as sent (already percent-encoded by `S3ArtifactStore`), `/` when empty.
    static func canonicalPath(_ url: URL) -> String {
        let path = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? ""
        return path.isEmpty ? "/" : path
    }

    /// Query parameters sorted by name then value, each RFC 3986-encoded.
    static func canonicalQuery(_ url: URL) -> String {
        let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQueryItems ?? []
        let pairs: [(name: String, value: String)] = items.map { item in
            let name = item.name.removingPercentEncoding ?? item.name
            let value = item.value.map { $0.removingPercentEncoding ?? $0 } ?? ""
            return (encode(name), encode(value))
        }
        let sorted = pairs.sorted { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// RFC 3986: everything but `A–Z a–z 0–9 - . _ ~` percent-encoded (`/` too unless `keepSlash`).
    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if keepSlash { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
