public import Foundation

/// The project's `.venv` (made by `scripts/test.sh`), with the PyPI packages a test needs
/// installed on demand, and a way to run a Python script to its end.
public enum PythonTools {
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `.venv/bin/python`, after making sure each `module` imports (installing `packages` if not).
    public static func python(modules: [String], packages: [String]) throws -> String {
        let venv = packageRoot.appendingPathComponent(".venv")
        let python = venv.appendingPathComponent("bin/python").path
        let check = ["-c", modules.map { "import \($0)" }.joined(separator: "; ")]
        if (try? Subprocess.run(python, check).status) != 0 {
            if !FileManager.default.isExecutableFile(atPath: python) {
                _ = try Subprocess.run("/usr/bin/env", ["python3", "-m", "venv", venv.path])
            }
            let install = try Subprocess.run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
            guard install.status == 0 else { throw PythonToolsError("pip install \(packages): \(install.output)") }
        }
        return python
    }
}

public struct PythonToolsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
