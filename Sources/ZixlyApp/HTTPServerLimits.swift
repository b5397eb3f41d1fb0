import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// What one client may hold of the HTTP server: slow, idle and surplus connections are closed so
/// that they cannot starve everyone else of sockets (docs/security.md).
public struct HTTPServerLimits: Sendable {
    /// A new connection must send its first request's headers, complete, within this time
    /// (`ZIXLY_HTTP_HEADER_TIMEOUT_SECONDS`). Default 30 s.
    public var headerTimeout: Duration = .seconds(30)
    /// A connection with nothing read for this long is closed: kept-alive connections between
    /// requests, and requests whose next part never comes (`ZIXLY_HTTP_IDLE_TIMEOUT_SECONDS`).
    /// Default 60 s.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections held open at once (`ZIXLY_HTTP_MAX_CONNECTIONS`); one more is answered 503 and
    /// closed at once. Default 4,096, and never more than the process's descriptor limit less 64
    /// (kept for the database, files and outbound requests).
    public var maxConnections = 4096
    /// The largest request head (all header lines) read, in bytes; a larger one is answered 431.
    public var maxHeaderBytes = 64 << 10

    public init() {}

    /// `maxConnections`, lowered to fit the descriptor limit.
    public var effectiveMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(Int32.max) else { return maxConnections }
        return max(1, min(maxConnections, Int(limit.rlim_cur) - 64))
    }

    /// Hummingbird's HTTP/1.1 server with these limits.
    func server() -> HTTPServerBuilder {
        let limits = self
        let connections = ConnectionCounter(limit: effectiveMaxConnections)
        return HTTPServerBuilder { responder in
            var configuration = HTTP1Channel.Configuration(
                idleTimeout: .nanoseconds(limits.idleTimeout.nanoseconds),
                httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes))
            let headerTimeout = limits.headerTimeout
            configuration.additionalChannelHandlers = { [RequestHeadHandler(timeout: .nanoseconds(headerTimeout.nanoseconds))] }
            return LimitedHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: configuration), connections: connections)
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// HTTP/1.1 with a cap on open connections: one past the cap gets a 503 written straight to its
/// socket, and is closed before anything it sent is read.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let http1: HTTP1Channel
    let connections: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = connections.open()
        channel.closeFuture.whenComplete { _ in connections.close() }
        if !admitted {
            do {
                try channel.pipeline.syncOperations.addHandler(OverCapacityHandler(), position: .first)
            } catch {
                channel.close(promise: nil)
            }
        }
        return http1.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// Open connections, against the cap.
final class ConnectionCounter: Sendable {
    let limit: Int
    private let count = Atomic(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection; false if it is over the cap (it still counts until it closes).
    func open() -> Bool {
        count.wrappingAdd(1, ordering: .relaxed).newValue <= limit
    }

    func close() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }

    var current: Int { count.load(ordering: .relaxed) }
}
