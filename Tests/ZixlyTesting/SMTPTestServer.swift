public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real SMTP server (PyPI `aiosmtpd`) on a free loopback port, recording what it accepts.
public final class SMTPTestServer: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    let process = Process()
    static let script = PythonTools.packageRoot.appendingPathComponent("Tests/ZixlyNotifyTests/Python/smtp_server.py").path

    /// The self-signed certificate (for `localhost`) a TLS server presents.
    public var certificate: URL { directory.appendingPathComponent("cert.pem") }
    var messagesFile: URL { directory.appendingPathComponent("messages.jsonl") }

    /// `tls`: STARTTLS required, AUTH with user `zixly`, password `letmein`.
    public init(tls: Bool) throws {
        let python = try PythonTools.python(modules: ["aiosmtpd"], packages: ["aiosmtpd"])
        directory = try TemporaryDirectory.make()
        port = LoopbackPort.free()
        var arguments = [Self.script, tls ? "tls" : "plain", String(port), messagesFile.path]
        if tls {
            let key = directory.appendingPathComponent("key.pem").path
            let made = try Subprocess.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate.path, "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                ])
            guard made.status == 0 else { throw PythonToolsError("openssl: \(made.output)") }
            arguments += [certificate.path, key]
        }
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let ready = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        guard ready.contains("ready") else { throw PythonToolsError("SMTP server did not start: \(ready)") }
    }

    /// Messages accepted so far: from, to, subject (decoded), body, tls, authenticated.
    public func messages() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: messagesFile, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
