import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StandardWebhooks
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The built `zixly` binary, run as a real process: what a user runs.
final class ZixlyProcess: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `ZIXLY_BINARY`, or `zixly` beside the test bundle (`swift build` puts both in one folder).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ZIXLY_BINARY"] { return URL(fileURLWithPath: path) }
        let folder = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [folder, Bundle.main.bundleURL] {
            let url = candidate.appendingPathComponent("zixly")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/zixly")
    }

    let process = Process()
    let output: URL
    let errors: URL
    let port: Int

    /// Starts `zixly <arguments>` with `environment` added to this process's.
    init(_ arguments: [String], environment: [String: String] = [:], port: Int = 0, directory: URL) throws {
        output = directory.appendingPathComponent("stdout-\(UUID().uuidString.prefix(6)).log")
        errors = directory.appendingPathComponent("stderr-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        self.port = port
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
    }

    /// Runs a command to its end and returns (status, stdout, stderr).
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: URL) async throws -> (Int32, String, String) {
        let process = try ZixlyProcess(arguments, environment: environment, directory: directory)
        let status = await process.waitForExit(timeout: .seconds(120))
        return (status ?? -1, process.stdout, process.stderr)
    }

    var stdout: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The exit status, or nil if it is still running after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Waits until `/health` answers (at most 30 s).
    func waitUntilHealthy() async throws {
        for _ in 0..<600 {
            if !process.isRunning { throw FactoryError("zixly exited early: \(stderr)") }
            if let reply = try? await HTTP.send(.GET, baseURL + "/health"), reply.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FactoryError("zixly did not become healthy: \(stderr)")
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Plain HTTP for the tests.
enum HTTP {
    struct Reply: Sendable {
        var status: Int
        var json: JSONValue
        var retryAfter: String? = nil
    }

    static func send(_ method: HTTPMethod, _ url: String, body: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 32 << 20)
        let json = (try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))) ?? .string(String(buffer: bytes))
        return Reply(status: Int(response.status.code), json: json, retryAfter: response.headers.first(name: "retry-after"))
    }

    static func signedWebhook(_ baseURL: String, body: String, secret: WebhookSecret, id: String = "msg_" + UUID().uuidString) async throws -> Reply {
        var headers = Webhook(secrets: [secret]).sign(id: id, timestamp: Date(), body: Data(body.utf8))
        headers["Content-Type"] = "application/json"
        return try await send(.POST, baseURL + "/webhook/trading-sweep", body: body, headers: headers)
    }

    /// Polls `/webhook/jobs/{id}` until `done` says so (at most `timeout`).
    static func waitForJob(_ baseURL: String, _ id: String, timeout: Duration = .seconds(120), until done: (JSONValue) -> Bool) async throws
        -> JSONValue
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let job = try await send(.GET, baseURL + "/webhook/jobs/\(id)").json
            if done(job) { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FactoryError("job \(id) did not reach the expected state in time")
    }
}
