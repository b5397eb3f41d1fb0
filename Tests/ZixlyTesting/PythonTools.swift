import Foundation

/// The project's `.venv` (made by `scripts/test.sh`), with the PyPI packages a test needs
/// installed on demand, and a way to run a Python script to its end.
public enum PythonTools {
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.venv/bin/python`, after making sure each `module` imports (installing `packages` if not).
    public static func python(modules: [String], packages: [String]) throws -> String {
        let venv = packageRoot.appendingPathComponent(".venv")
        let python = venv.appendingPathComponent("bin/python").path
        let check = ["-c", modules.map { "import \($0)" }.joined(separator: "; ")]
        if (try? run(python, check).status) != 0 {
            if !FileManager.default.isExecutableFile(atPath: python) {
                _ = try run("/usr/bin/env", ["python3", "-m", "venv", venv.path])
            }
            let install = try run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
            guard install.status == 0 else { throw PythonToolsError("pip install \(packages): \(install.output)") }
        }
        return python
    }

    /// Runs to the end; returns the exit status and the combined output.
    public static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return (127, "\(executable) not found") }
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

public struct PythonToolsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
