public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A webhook receiver on a free loopback port that verifies each request with the reference
/// Python library (PyPI `standardwebhooks`) and records it. Paths: `/ok` (204), `/flaky` (500
/// twice, then 200), `/slow` (answers after 10 s), `/gone` (410).
public final class WebhookReceiver: @unchecked Sendable {
    public let port: Int
    let file: URL
    let process = Process()
    static let script = PythonTools.packageRoot.appendingPathComponent("Tests/ZixlyNotifyTests/Python/webhook_receiver.py").path

    /// `port`: nil = a random one (pass one when the URL must be known before the secret is).
    public init(secret: String, port: Int? = nil) throws {
        let python = try PythonTools.python(modules: ["standardwebhooks"], packages: ["standardwebhooks"])
        file = try TemporaryDirectory.make().appendingPathComponent("requests.jsonl")
        self.port = port ?? LoopbackPort.free()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script, String(self.port), secret, file.path]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let ready = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        guard ready.contains("ready") else { throw PythonToolsError("webhook receiver did not start: \(ready)") }
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// One received request.
    public struct Request: Sendable {
        public var path: String
        public var verified: Bool
        public var webhookID: String?
        public var userAgent: String?
        public var body: String
        public var receivedAt: Date
    }

    public func requests(path: String? = nil) throws -> [Request] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let request = Request(
                path: object["path"] as? String ?? "", verified: object["verified"] as? Bool ?? false,
                webhookID: object["id"] as? String, userAgent: object["user_agent"] as? String, body: object["body"] as? String ?? "",
                receivedAt: Date(timeIntervalSince1970: object["at"] as? Double ?? 0))
            return path == nil || request.path == path ? request : nil
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
