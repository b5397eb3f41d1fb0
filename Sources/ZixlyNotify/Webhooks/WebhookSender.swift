import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
public import ZixlyCore

/// What came back from one POST of a webhook.
public struct WebhookResponse: Sendable, Equatable {
    /// nil when there was no response: refused, reset, timed out, bad URL, forbidden address.
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

/// Posts over one HTTP/1.1 connection per delivery, dialled through a `VettingResolver`, so no
/// delivery reaches an address the `OutboundAddressPolicy` refuses. No redirects followed (a 3xx
/// is a failed attempt, as in Svix), a deadline per request, the response body cut at 1 KiB.
public final class HTTPWebhookSender: WebhookSender {
    let timeout: TimeAmount
    let userAgent: String
    let policy: OutboundAddressPolicy
    let tls: NIOSSLContext?

    public init(timeout: Duration, userAgent: String, policy: OutboundAddressPolicy = .init()) {
        self.timeout = TimeAmount(timeout)
        self.userAgent = userAgent
        self.policy = policy
        tls = try? NIOSSLContext(configuration: .makeClientConfiguration())
    }

    public func post(url: String, headers: [String: String], body: String) async -> WebhookResponse {
        guard let target = Target(url) else { return WebhookResponse(statusCode: nil, error: "not an http(s) URL with a host", body: nil) }
        do {
            let (status, text) = try await send(to: target, headers: headers, body: body)
            return WebhookResponse(statusCode: status, error: (200..<300).contains(status) ? nil : "HTTP \(status)", body: text)
        } catch {
            return WebhookResponse(statusCode: nil, error: Self.describe(error), body: nil)
        }
    }

    private func send(to target: Target, headers extra: [String: String], body: String) async throws -> (Int, String) {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = eventLoop.makePromise(of: (Int, String).self)
        var sslHandler: NIOSSLClientHandler?
        if target.https {
            guard let tls else { throw SenderError("TLS is unavailable") }
            sslHandler = try NIOSSLClientHandler(context: tls, serverHostname: IPAddress(target.host) == nil ? target.host : nil)
        }
        let handlers = UnsafeTransfer((sslHandler, ResponseCollector(promise: promise)))
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(min(.seconds(5), timeout))
            .resolver(VettingResolver(host: target.host, port: target.port, policy: policy, eventLoop: eventLoop))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (ssl, collector) = handlers.value
                    if let ssl { try channel.pipeline.syncOperations.addHandler(ssl) }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
        let deadline = eventLoop.scheduleTask(in: timeout) { promise.fail(SenderError("timed out")) }
        defer { deadline.cancel() }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            promise.fail(error)  // a promise must be completed, even when nothing was sent
            throw error
        }
        var fields = HTTPHeaders([
            ("Host", target.hostHeader), ("Content-Type", "application/json"), ("User-Agent", userAgent),
            ("Content-Length", String(body.utf8.count)), ("Connection", "close"),
        ])
        for (name, value) in extra { fields.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.pathAndQuery, headers: fields)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            let result = try await promise.futureResult.get()
            channel.close(promise: nil)
            return result
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let refused = error.dnsAError ?? error.dnsAAAAError { return "\(refused)" }
            return error.connectionErrors.first.map { "connection failed: \($0.error)" } ?? "connection failed"
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connection timed out" }
        return "\(error)"
    }

    /// Nothing is pooled: each delivery's connection closes with it.
    public func shutdown() async {}

    struct SenderError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Where a URL points: scheme, host, port, and what goes on the request line.
    struct Target {
        var https: Bool
        var host: String
        var port: Int
        var pathAndQuery: String

        init?(_ url: String) {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
                let host = components.host, !host.isEmpty
            else { return nil }
            https = scheme == "https"
            self.host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            port = components.port ?? (https ? 443 : 80)
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            pathAndQuery = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        }

        var hostHeader: String {
            let name = host.contains(":") ? "[\(host)]" : host
            return port == (https ? 443 : 80) ? name : "\(name):\(port)"
        }
    }
}

/// Collects one response: its status and up to `WebhookResponse.bodyLimit` bytes of its body.
final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    let promise: EventLoopPromise<(Int, String)>
    private var status: Int?
    private var body = ByteBuffer()

    init(promise: EventLoopPromise<(Int, String)>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(var chunk):
            let room = WebhookResponse.bodyLimit - body.readableBytes
            if room > 0, let part = chunk.readSlice(length: min(room, chunk.readableBytes)) { body.writeImmutableBuffer(part) }
        case .end:
            promise.succeed((status ?? 0, String(buffer: body)))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HTTPWebhookSender.SenderError("connection closed before a whole response"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}

/// Hands values made outside an event loop to the channel initializer, which runs once on its loop.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
