public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// moto's S3 emulator (PyPI `moto[server]`) on a free loopback port, for as long as this lives.
/// By default moto accepts any credentials and checks no signature. `authenticated: true` turns
/// its IAM authentication on: only `credentials` (a user it made) are accepted, and it verifies
/// every request's SigV4 signature.
public final class MotoServer: @unchecked Sendable {
    public let endpoint: URL
    /// The access key and secret moto accepts, when authenticated.
    public private(set) var credentials: (accessKeyID: String, secretAccessKey: String)?
    let process = Process()
    static let iamScript = PythonTools.packageRoot.appendingPathComponent("Tests/ZixlyArtifactsTests/Python/moto_iam_user.py").path

    public init(authenticated: Bool = false) async throws {
        let python = try PythonTools.python(modules: ["moto", "flask", "werkzeug"], packages: ["moto[server]"])
        let port = LoopbackPort.free()
        endpoint = URL(string: "http://127.0.0.1:\(port)")!
        let log = try TemporaryDirectory.make().appendingPathComponent("moto.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)]
        if authenticated {
            process.environment = ProcessInfo.processInfo.environment.merging(["INITIAL_NO_AUTH_ACTION_COUNT": "3"]) { $1 }
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        // Importing moto takes seconds, and many more when the whole suite shares two cores:
        // wait as long as the process lives, up to a minute.
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < deadline {
            var probe = URLRequest(url: endpoint.appendingPathComponent("moto-api/"))
            probe.timeoutInterval = 5
            if let (_, response) = try? await URLSession.shared.data(for: probe), response is HTTPURLResponse {
                if authenticated { try makeUser(python: python) }
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let state = process.isRunning ? "still not answering after 60 s" : "exited with \(process.terminationStatus)"
        throw PythonToolsError("moto server on port \(port) \(state): \(output.suffix(2_000))")
    }

    private func makeUser(python: String) throws {
        let made = try Subprocess.run(python, [Self.iamScript, endpoint.absoluteString])
        guard made.status == 0, let line = made.output.split(separator: "\n").last,
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
            let id = object["access_key_id"], let secret = object["secret_access_key"]
        else { throw PythonToolsError("could not create a moto IAM user: \(made.output)") }
        credentials = (id, secret)
    }

    deinit {
        // SIGKILL: the test process ignores SIGTERM (service groups), and children inherit that.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
