import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import ZixlyCore

/// Where the S3 client's credentials come from: fixed keys, or a role taken with a web identity
/// token (EKS's IRSA). Asked before every request; a provider caches what it can.
public protocol AWSCredentialProvider: Sendable {
    func credentials(now: Date) async throws -> SigV4Signer.Credentials
}

extension SigV4Signer.Credentials: AWSCredentialProvider {
    public func credentials(now: Date) async throws -> SigV4Signer.Credentials { self }
}

/// Temporary credentials from STS `AssumeRoleWithWebIdentity`, as the AWS SDKs do for IRSA:
/// `AWS_ROLE_ARN` and the token in `AWS_WEB_IDENTITY_TOKEN_FILE`, which the kubelet rotates, so it
/// is read again at every refresh. Credentials are reused until five minutes before they expire.
public actor WebIdentityCredentials: AWSCredentialProvider {
    public let roleARN: String
    public let tokenFile: URL
    public let sessionName: String
    /// STS: `https://sts.<region>.amazonaws.com` unless overridden (`AWS_ENDPOINT_URL_STS`).
    public let endpoint: URL
    private var cached: (credentials: SigV4Signer.Credentials, expiresAt: Date)?
    private var inFlight: Task<(credentials: SigV4Signer.Credentials, expiresAt: Date), any Error>?
    /// How many times STS was asked (for tests and logs).
    public private(set) var exchanges = 0

    public init(roleARN: String, tokenFile: URL, sessionName: String, region: String, endpoint: URL? = nil) {
        self.roleARN = roleARN
        self.tokenFile = tokenFile
        self.sessionName = sessionName
        self.endpoint = endpoint ?? URL(string: "https://sts.\(region).amazonaws.com")!
    }

    public func credentials(now: Date) async throws -> SigV4Signer.Credentials {
        if let cached, cached.expiresAt.timeIntervalSince(now) > 300 { return cached.credentials }
        // Requests that arrive while an exchange is under way wait for it instead of starting their own.
        if let inFlight { return try await inFlight.value.credentials }
        let exchange = Task { try await self.exchange() }
        inFlight = exchange
        defer { inFlight = nil }
        let fresh = try await exchange.value
        cached = fresh
        return fresh.credentials
    }

    private func exchange() async throws -> (credentials: SigV4Signer.Credentials, expiresAt: Date) {
        let token: String
        do {
            token = try String(contentsOf: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw WebIdentityError("cannot read the web identity token \(tokenFile.path): \(error.localizedDescription)")
        }
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token), ("DurationSeconds", "3600"),
        ].map { "\($0)=\(SigV4Signer.encode($1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        exchanges += 1
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw WebIdentityError("STS at \(endpoint.absoluteString) cannot be reached: \(error)")
        }
        let xml = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else {
            let code = S3XML.values(of: "Code", in: xml).first ?? "HTTP\(response.status.code)"
            let message = S3XML.values(of: "Message", in: xml).first ?? ""
            throw WebIdentityError("AssumeRoleWithWebIdentity for \(roleARN) refused: \(code) \(message)")
        }
        guard let key = S3XML.values(of: "AccessKeyId", in: xml).first,
            let secret = S3XML.values(of: "SecretAccessKey", in: xml).first,
            let expiration = S3XML.values(of: "Expiration", in: xml).first.flatMap(Self.date)
        else { throw WebIdentityError("AssumeRoleWithWebIdentity for \(roleARN) answered without credentials") }
        let credentials = SigV4Signer.Credentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: S3XML.values(of: "SessionToken", in: xml).first)
        return (credentials, expiration)
    }

    /// STS's `Expiration`, with or without fractional seconds (which are dropped: the refresh
    /// margin is minutes).
    static func date(_ text: String) -> Date? {
        ISO8601DateFormatter().date(from: text.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression))
    }
}

/// Why web identity credentials could not be had; never holds the token.
public struct WebIdentityError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
