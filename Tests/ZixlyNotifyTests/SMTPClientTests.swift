import Foundation
import Testing
import ZixlyTesting

@testable import ZixlyNotify

@Suite("SMTP client against aiosmtpd", .serialized)
struct SMTPClientTests {
    static let message = EmailMessage(
        from: "Zixly <zixly@example.com>", to: ["ops@example.com"], subject: "✅ Trading Sweep Complete - GOOG - Best Result",
        body: "Best: fast 10, slow 30\n.\nA line that starts with a dot: .hidden")

    @Test("a plain relay receives the message, subject and body intact (dot-stuffing included)")
    func plain() async throws {
        let server = try SMTPTestServer(tls: false)
        try await SMTPClient(configuration: .init(host: "127.0.0.1", port: server.port)).send(Self.message)
        let received = try server.messages()
        #expect(received.count == 1)
        #expect(received.first?["subject"] as? String == Self.message.subject)
        #expect((received.first?["body"] as? String)?.trimmingCharacters(in: .newlines) == Self.message.body)
        #expect(received.first?["to"] as? [String] == ["ops@example.com"])
        #expect(received.first?["tls"] as? Bool == false)
    }

    @Test("STARTTLS then AUTH: the message arrives encrypted and authenticated")
    func startTLSAndAuth() async throws {
        let server = try SMTPTestServer(tls: true)
        let client = SMTPClient(
            configuration: .init(
                host: "localhost", port: server.port, username: "zixly", password: "letmein", startTLS: .required,
                trustedCertificatesFile: server.certificate.path))
        try await client.send(Self.message)
        let received = try server.messages()
        #expect(received.first?["tls"] as? Bool == true && received.first?["authenticated"] as? Bool == true)
    }

    @Test("a wrong password and a missing STARTTLS are clear errors")
    func failures() async throws {
        let server = try SMTPTestServer(tls: true)
        let wrong = SMTPClient(
            configuration: .init(
                host: "localhost", port: server.port, username: "zixly", password: "nope", trustedCertificatesFile: server.certificate.path))
        do {
            try await wrong.send(Self.message)
            Issue.record("expected an authentication error")
        } catch let error as SMTPError {
            #expect(error.step.contains("AUTH") && error.reply.hasPrefix("535"), "\(error)")
            #expect(!"\(error)".contains("nope"), "the password never appears in errors")
        }
        let plain = try SMTPTestServer(tls: false)
        do {
            try await SMTPClient(configuration: .init(host: "127.0.0.1", port: plain.port, startTLS: .required)).send(Self.message)
            Issue.record("expected a STARTTLS error")
        } catch let error as SMTPError {
            #expect(error.step == "STARTTLS")
        }
        #expect(try plain.messages().isEmpty && server.messages().isEmpty)
    }
}
