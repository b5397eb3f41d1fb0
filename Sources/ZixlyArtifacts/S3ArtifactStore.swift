import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import ZixlyCore

/// Artifacts in an S3-compatible bucket (AWS, MinIO, moto), signed with SigV4 on AsyncHTTPClient.
/// Keys live under `prefix`; `endpoint` selects a non-AWS server (path-style addressing by default).
public struct S3ArtifactStore: ArtifactStore {
    public struct Configuration: Sendable {
        public var bucket: String
        /// Prepended to every key (no leading or trailing slash), e.g. `zixly`.
        public var prefix: String
        public var region: String
        /// nil = AWS (`https://<bucket>.s3.<region>.amazonaws.com`).
        public var endpoint: URL?
        /// `endpoint/bucket/key` instead of `bucket.endpoint/key`. Default: true with an endpoint.
        public var pathStyle: Bool
        /// Fixed keys, or `WebIdentityCredentials` (IRSA).
        public var credentials: any AWSCredentialProvider
        /// Parts of a multipart upload (`upload(to:)`), held in memory one at a time; S3 wants 5 MiB or more.
        public var uploadPartSize: Int

        public init(
            bucket: String, prefix: String = "", region: String, endpoint: URL? = nil, pathStyle: Bool? = nil, credentials: any AWSCredentialProvider,
            uploadPartSize: Int = 8 << 20
        ) {
            precondition(uploadPartSize >= 5 << 20, "S3 parts are 5 MiB or more")
            self.uploadPartSize = uploadPartSize
            self.bucket = bucket
            self.prefix = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            self.region = region
            self.endpoint = endpoint
            self.pathStyle = pathStyle ?? (endpoint != nil)
            self.credentials = credentials
        }
    }

    public let configuration: Configuration
    let clock: any WallClock

    public init(configuration: Configuration, clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    /// A signer with the provider's current credentials.
    func signer() async throws -> SigV4Signer {
        let credentials: SigV4Signer.Credentials
        do {
            credentials = try await configuration.credentials.credentials(now: clock.now())
        } catch {
            throw S3Error(operation: "credentials", status: 0, code: "NoCredentials", message: "\(error)")
        }
        return SigV4Signer(credentials: credentials, region: configuration.region)
    }

    /// Creates the bucket (for emulators and first-time setup); an existing bucket of ours is fine.
    public func createBucket() async throws {
        let body =
            configuration.region == "us-east-1"
            ? Data()
            : Data(
                """
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        _ = try await send("PUT", bucketURL(), body: body, expecting: [200, 409])
    }

    public func put(_ data: Data, at key: String, contentType: String) async throws {
        try InvalidArtifactKey.check(key)
        _ = try await send("PUT", objectURL(key), body: data, headers: ["content-type": contentType], expecting: [200])
    }

    public func upload(to key: String, contentType: String) async throws -> any ArtifactUpload {
        try InvalidArtifactKey.check(key)
        return S3Upload(store: self, key: key, contentType: contentType, partSize: configuration.uploadPartSize)
    }

    public func delete(_ key: String) async throws {
        try InvalidArtifactKey.check(key)
        _ = try await send("DELETE", objectURL(key), expecting: [200, 204, 404])
    }

    public func get(_ key: String) async throws -> Data? {
        try InvalidArtifactKey.check(key)
        let (status, body) = try await send("GET", objectURL(key), expecting: [200, 404])
        return status == 404 ? nil : body
    }

    public func list(prefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        let fullPrefix = fullKey(prefix)
        repeat {
            var query = "list-type=2&prefix=\(SigV4Signer.encode(fullPrefix))"
            if let token { query += "&continuation-token=\(SigV4Signer.encode(token))" }
            let (_, body) = try await send("GET", URL(string: bucketURL().absoluteString + "?" + query)!, expecting: [200])
            let xml = String(decoding: body, as: UTF8.self)
            keys += S3XML.values(of: "Key", in: xml).map { String($0.dropFirst(configuration.prefix.isEmpty ? 0 : configuration.prefix.count + 1)) }
            token = S3XML.values(of: "IsTruncated", in: xml).first == "true" ? S3XML.values(of: "NextContinuationToken", in: xml).first : nil
        } while token != nil
        return keys.sorted()
    }

    /// A GET URL for the object that works without credentials until it expires (default 15 min).
    public func presignedURL(for key: String, expiresIn seconds: Int = 900) async throws -> URL {
        try InvalidArtifactKey.check(key)
        return try await signer().presignedURL(url: objectURL(key), expires: seconds, date: clock.now())
    }

    public func downloadURL(for key: String, expiresIn seconds: Int) async throws -> URL? {
        try await presignedURL(for: key, expiresIn: seconds)
    }

    func fullKey(_ key: String) -> String {
        configuration.prefix.isEmpty ? key : configuration.prefix + "/" + key
    }

    func bucketURL() -> URL {
        let bucket = configuration.bucket
        guard let endpoint = configuration.endpoint else {
            return URL(string: "https://\(bucket).s3.\(configuration.region).amazonaws.com")!
        }
        if configuration.pathStyle { return endpoint.appendingPathComponent(bucket) }
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        components.host = "\(bucket).\(components.host ?? "")"
        return components.url!
    }

    func objectURL(_ key: String) -> URL {
        URL(string: bucketURL().absoluteString + "/" + SigV4Signer.encode(fullKey(key), keepSlash: true))!
    }

    /// Sends a signed request; an unexpected status becomes an `S3Error` naming the operation.
    func send(_ method: String, _ url: URL, body: Data = Data(), headers: [String: String] = [:], expecting: Set<Int>) async throws
        -> (Int, Data)
    {
        let (status, data, _) = try await sendReadingHeaders(method, url, body: body, headers: headers, expecting: expecting)
        return (status, data)
    }

    /// `send`, with the answer's headers.
    func sendReadingHeaders(_ method: String, _ url: URL, body: Data = Data(), headers: [String: String] = [:], expecting: Set<Int>)
        async throws -> (Int, Data, HTTPHeaders)
    {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        let signed = try await signer().sign(
            method: method, url: url, headers: headers.merging(["host": SigV4Signer.host(url)]) { $1 },
            payloadHash: SigV4Signer.hash(body), date: clock.now())
        for (name, value) in signed where name != "host" { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw S3Error(operation: "\(method) \(url.path)", status: 0, code: "Unreachable", message: "\(error)")
        }
        let data = Data((try await response.body.collect(upTo: 256 << 20)).readableBytesView)
        let status = Int(response.status.code)
        guard expecting.contains(status) else {
            let xml = String(decoding: data, as: UTF8.self)
            throw S3Error(
                operation: "\(method) \(url.path)", status: status, code: S3XML.values(of: "Code", in: xml).first ?? "HTTP\(status)",
                message: S3XML.values(of: "Message", in: xml).first ?? "")
        }
        return (status, data, response.headers)
    }
}

/// An S3 request that failed, with S3's own code (e.g. `InvalidAccessKeyId`, `NoSuchBucket`).
public struct S3Error: Error, CustomStringConvertible {
    public var operation: String
    public var status: Int
    public var code: String
    public var message: String

    public var description: String {
        let hint =
            ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"].contains(code)
            ? " (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION)" : ""
        return "S3 \(operation) failed: \(status) \(code) \(message)\(hint)"
    }
}

/// Just enough XML for S3's list and error answers.
enum S3XML {
    static func values(of element: String, in xml: String) -> [String] {
        var values: [String] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(element)>"), let close = rest.range(of: "</\(element)>", range: open.upperBound..<rest.endIndex) {
            values.append(unescape(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return values
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
