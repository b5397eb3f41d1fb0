import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// moto's S3 emulator (PyPI `moto[server]`) on a free loopback port, for as long as this lives.
/// moto accepts any credentials and does not check signatures: the signer has its own tests.
public final class MotoServer: @unchecked Sendable {
    public let endpoint: URL
    let process = Process()

    public init() async throws {
        let python = try PythonTools.python(modules: ["moto", "flask", "werkzeug"], packages: ["moto[server]"])
        let port = Int.random(in: 20_000..<40_000)
        endpoint = URL(string: "http://127.0.0.1:\(port)")!
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if let (_, response) = try? await URLSession.shared.data(from: endpoint.appendingPathComponent("moto-api/")),
                (response as? HTTPURLResponse)?.statusCode != nil
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PythonToolsError("moto server did not start on port \(port)")
    }

    deinit {
        // SIGKILL: the test process ignores SIGTERM (service groups), and children inherit that.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
