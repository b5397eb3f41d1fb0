import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Guards each connection's request heads: closes a connection whose first head has not arrived,
/// complete, within `timeout` of its opening (a client trickling header bytes, or sending none;
/// later requests on a kept-alive connection are bounded by Hummingbird's idle timeout), and
/// answers a head that cannot be parsed (too large, malformed) in the API's error shape, then closes.
final class RequestHeadHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data), let timer {
            timer.cancel()
            self.timer = nil
        }
        context.fireChannelRead(data)
    }

    /// A parse error is answered here (Hummingbird would send a bare 400 with no body).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        let (status, message): (HTTPResponse.Status, String) =
            switch parse {
            case .headerOverflow: (.requestHeaderFieldsTooLarge, "request headers are larger than 64 KiB")
            case .invalidMethod: (.badRequest, "malformed HTTP request: unknown method")
            default: (.badRequest, "malformed HTTP request: \(parse)")
            }
        let body = ByteBuffer(string: #"{"error":"\#(message)","timestamp":"\#(Self.timestamp())"}"#)
        let head = HTTPResponse(
            status: status,
            headerFields: [
                .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes), .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// The connection over the cap: answers 503 on the raw socket, reads nothing, closes.
final class OverCapacityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let body = #"{"error":"too many connections; try again shortly"}"#
    static let response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
        + "Content-Length: \(body.utf8.count)\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body
    private var answered = false

    /// Added before the accepted channel is registered: it answers once it is active.
    func channelActive(context: ChannelHandlerContext) {
        answer(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // never handled

    private func answer(_ context: ChannelHandlerContext) {
        guard !answered else { return }
        answered = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: Self.response))).whenComplete { _ in channel.close(promise: nil) }
    }
}
