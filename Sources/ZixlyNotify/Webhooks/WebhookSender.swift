import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What came back from one POST of a webhook.
public struct WebhookResponse: Sendable, Equatable {
    /// nil when there was no response: refused, reset, timed out, bad URL.
    public var statusCode: Int?
    public var error: String?
    /// At most `WebhookResponse.bodyLimit` bytes of the body, as text.
    public var body: String?

    public static let bodyLimit = 1024

    public init(statusCode: Int?, error: String?, body: String?) {
        self.statusCode = statusCode
        self.error = error
        self.body = body
    }
}

/// Posts a signed webhook somewhere. The seam between delivery bookkeeping and HTTP.
public protocol WebhookSender: Sendable {
    func post(url: String, headers: [String: String], body: String) async -> WebhookResponse
    /// Releases connections; called once, when the service that made the sender stops.
    func shutdown() async
}

/// Posts with AsyncHTTPClient: no redirects followed (a 3xx is a failed attempt, as in Svix),
/// a deadline per request, the response body cut at 1 KiB. Must be shut down before it goes away.
public final class HTTPWebhookSender: WebhookSender {
    let client: HTTPClient
    let timeout: TimeAmount
    let userAgent: String

    public init(timeout: Duration, userAgent: String) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        self.timeout = TimeAmount(timeout)
        // A refused connection is retried by the pool until this runs out: it bounds a dead endpoint's attempt.
        configuration.timeout = .init(connect: min(.seconds(5), self.timeout))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.userAgent = userAgent
    }

    public func post(url: String, headers: [String: String], body: String) async -> WebhookResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: userAgent)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: timeout)
            var collected = ByteBuffer()
            for try await var chunk in response.body {
                let room = WebhookResponse.bodyLimit - collected.readableBytes
                if room > 0, let part = chunk.readSlice(length: min(room, chunk.readableBytes)) { collected.writeImmutableBuffer(part) }
            }
            return WebhookResponse(
                statusCode: Int(response.status.code),
                error: (200..<300).contains(response.status.code) ? nil : "HTTP \(response.status.code)",
                body: String(buffer: collected))
        } catch {
            return WebhookResponse(statusCode: nil, error: Self.describe(error), body: nil)
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "timed out"
            case .connectTimeout: return "connection timed out"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }

    /// Closes the connection pool.
    public func shutdown() async {
        try? await client.shutdown()
    }
}
