public import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import Synchronization

/// Sends email over SMTP: EHLO, STARTTLS where offered (or required), AUTH PLAIN or LOGIN,
/// MAIL/RCPT/DATA, QUIT. One connection per message; every reply is awaited with a timeout.
public struct SMTPClient: Sendable {
    public enum StartTLS: String, Sendable {
        /// Upgrade when the server offers STARTTLS (the default).
        case whenOffered
        /// Refuse to send unless the server offers it.
        case required
        /// Never upgrade (local relays, tests).
        case never
    }

    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
        public var startTLS: StartTLS
        /// PEM file of extra trusted certificates (a private relay's own CA).
        public var trustedCertificatesFile: String?
        public var timeout: Duration

        public init(
            host: String, port: Int = 587, username: String? = nil, password: String? = nil, startTLS: StartTLS = .whenOffered,
            trustedCertificatesFile: String? = nil, timeout: Duration = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.startTLS = startTLS
            self.trustedCertificatesFile = trustedCertificatesFile
            self.timeout = timeout
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Delivers `message` to the relay.
    /// - Throws: `SMTPError` naming the step and the server's reply (never the password).
    public func send(_ message: EmailMessage, date: Date = Date()) async throws {
        let session = try await SMTPSession.connect(configuration)
        do {
            try await session.deliver(message, date: date)
            try? await session.quit()
        } catch {
            session.close()
            throw error
        }
    }
}

/// Why a message was not delivered.
public struct SMTPError: Error, CustomStringConvertible {
    public var step: String
    public var reply: String
    public var description: String { "SMTP \(step) failed: \(reply)" }
}

/// One reply: its code and text lines.
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
    var text: String { lines.joined(separator: " | ") }
}

/// Replies in arrival order; `next(timeout:)` waits for one.
final class SMTPReplyQueue: Sendable {
    private struct State {
        var buffered: [Result<SMTPReply, SMTPError>] = []
        var waiter: CheckedContinuation<Result<SMTPReply, SMTPError>, Never>?
        var closed = false
    }
    private let state = Mutex(State())

    func push(_ reply: Result<SMTPReply, SMTPError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<SMTPReply, SMTPError>, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(reply)
            return nil
        }
        waiter?.resume(returning: reply)
    }

    func finish() {
        push(.failure(SMTPError(step: "read", reply: "the server closed the connection")))
        state.withLock { $0.closed = true }
    }

    func next(step: String, timeout: Duration) async -> Result<SMTPReply, SMTPError> {
        let timer = Task {
            try await Task.sleep(for: timeout)
            self.push(.failure(SMTPError(step: step, reply: "no answer within \(timeout)")))
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<SMTPReply, SMTPError>? in
                if !state.buffered.isEmpty { return state.buffered.removeFirst() }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// Collects reply lines (`250-…` continues, `250 …` ends) and hands complete replies over.
final class SMTPReplyHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let pending = Mutex<[String]>([])
    let replies: SMTPReplyQueue

    init(replies: SMTPReplyQueue) {
        self.replies = replies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let line = buffer.readString(length: buffer.readableBytes)?.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) ?? ""
        let text = line.count > 4 ? String(line.dropFirst(4)) : ""
        let isLast = line.count <= 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-"
        let complete = pending.withLock { pending -> [String]? in
            pending.append(text)
            guard isLast else { return nil }
            defer { pending = [] }
            return pending
        }
        if let complete { replies.push(.success(SMTPReply(code: Int(line.prefix(3)) ?? 0, lines: complete))) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.push(.failure(SMTPError(step: "connection", reply: "\(error)")))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.finish()
    }
}
