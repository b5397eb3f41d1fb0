import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A Python test server (a fake API, a receiver) that prints "ready" once it listens, killed
/// when this goes away. The scripts also exit when their parent does.
public final class PythonServer: @unchecked Sendable {
    let process = Process()

    /// Runs `script` with `arguments` on the project's `.venv` python and waits for its "ready".
    public init(script: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: try PythonTools.python(modules: ["json"], packages: []))
        process.arguments = [script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let ready = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        guard ready.contains("ready") else { throw PythonToolsError("\(script) did not start: \(ready)") }
    }

    deinit {
        // SIGKILL: the test process ignores SIGTERM (service groups), and children inherit that.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
