import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// One SMTP conversation on one connection.
final class SMTPSession: Sendable {
    let channel: any Channel
    let configuration: SMTPClient.Configuration
    private let replies: SMTPReplyQueue

    private init(channel: any Channel, replies: SMTPReplyQueue, configuration: SMTPClient.Configuration) {
        self.channel = channel
        self.replies = replies
        self.configuration = configuration
    }

    static func connect(_ configuration: SMTPClient.Configuration) async throws -> SMTPSession {
        let queue = SMTPReplyQueue()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()), name: "lines")
                        try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(replies: queue))
                    }
                }
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw SMTPError(step: "connect to \(configuration.host):\(configuration.port)", reply: "\(error)")
        }
        let session = SMTPSession(channel: channel, replies: queue, configuration: configuration)
        try await session.expect("greeting", 220)
        return session
    }

    func deliver(_ message: EmailMessage, date: Date) async throws {
        var capabilities = try await hello()
        let offersTLS = capabilities.contains { $0.uppercased() == "STARTTLS" }
        switch configuration.startTLS {
        case .required where !offersTLS:
            throw SMTPError(step: "STARTTLS", reply: "the server does not offer STARTTLS, and it is required")
        case .required,  // offered: the case above threw otherwise
            .whenOffered where offersTLS:
            try await command("STARTTLS", expect: 220)
            try await upgradeToTLS()
            capabilities = try await hello()
        default:
            break
        }
        if let username = configuration.username {
            try await authenticate(username: username, password: configuration.password ?? "", capabilities: capabilities)
        }
        try await command("MAIL FROM:<\(Self.address(message.from))>", expect: 250)
        for recipient in message.to {
            try await command("RCPT TO:<\(Self.address(recipient))>", expect: 250, 251)
        }
        try await command("DATA", expect: 354)
        let stuffed = message.rendered(date: date, messageID: "\(UUID().uuidString.lowercased())@zixly")
            .components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
        try await write(stuffed + "\r\n.")
        try await expect("message data", 250)
    }

    func quit() async throws {
        try await command("QUIT", expect: 221)
        try await channel.close()
    }

    func close() {
        channel.close(promise: nil)
    }

    /// EHLO; returns the capability keywords (e.g. `STARTTLS`, `AUTH PLAIN LOGIN`).
    private func hello() async throws -> [String] {
        try await write("EHLO zixly")
        let reply = try await expect("EHLO", 250)
        return Array(reply.lines.dropFirst())
    }

    private func authenticate(username: String, password: String, capabilities: [String]) async throws {
        let mechanisms = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ").dropFirst() ?? []
        if mechanisms.contains("PLAIN") || mechanisms.isEmpty {
            let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            try await command("AUTH PLAIN \(token)", expect: 235, step: "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            try await command("AUTH LOGIN", expect: 334)
            try await command(Data(username.utf8).base64EncodedString(), expect: 334, step: "AUTH LOGIN user name")
            try await command(Data(password.utf8).base64EncodedString(), expect: 235, step: "AUTH LOGIN password")
        } else {
            throw SMTPError(step: "AUTH", reply: "the server offers neither PLAIN nor LOGIN (\(mechanisms.joined(separator: " ")))")
        }
    }

    private func upgradeToTLS() async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.trustedCertificatesFile {
            tls.trustRoots = .file(file)
        }
        let context = try NIOSSLContext(configuration: tls)
        let hostname = configuration.host.first?.isNumber == true ? nil : configuration.host
        let channel = self.channel
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: hostname), position: .first)
        }.get()
    }

    @discardableResult
    private func command(_ line: String, expect codes: Int..., step: String? = nil) async throws -> SMTPReply {
        try await write(line)
        return try await expect(step ?? String(line.prefix { $0 != " " && $0 != ":" }), codes)
    }

    private func write(_ line: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n")).get()
    }

    @discardableResult
    private func expect(_ step: String, _ codes: Int...) async throws -> SMTPReply {
        try await expect(step, codes)
    }

    private func expect(_ step: String, _ codes: [Int]) async throws -> SMTPReply {
        let reply = try await replies.next(step: step, timeout: configuration.timeout).get()
        guard codes.contains(reply.code) else { throw SMTPError(step: step, reply: "\(reply.code) \(reply.text)") }
        return reply
    }

    /// The address inside `Name <address>`, or the text itself.
    static func address(_ text: String) -> String {
        guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else { return text }
        return String(text[text.index(after: open)..<close])
    }
}
