public import Foundation
public import ZixlyCore

/// Artifacts as files under a root folder (`file://<data-dir>/artifacts`). Writes go to a
/// temporary file first and are renamed into place, so a reader never sees half a file.
public struct FileArtifactStore: ArtifactStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func put(_ data: Data, at key: String, contentType: String) async throws {
        try InvalidArtifactKey.check(key)
        let target = root.appendingPathComponent(key)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        if FileManager.default.fileExists(atPath: target.path) {
            _ = try FileManager.default.replaceItemAt(target, withItemAt: temporary)
        } else {
            try FileManager.default.moveItem(at: temporary, to: target)
        }
    }

    public func get(_ key: String) async throws -> Data? {
        try InvalidArtifactKey.check(key)
        let target = root.appendingPathComponent(key)
        guard FileManager.default.fileExists(atPath: target.path) else { return nil }
        return try Data(contentsOf: target)
    }

    public func list(prefix: String) async throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        let rootPath = root.standardizedFileURL.path + "/"
        var keys: [String] = []
        for case let url as URL in enumerator {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(rootPath), !url.lastPathComponent.hasPrefix("."),
                (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            else { continue }
            let key = String(path.dropFirst(rootPath.count))
            if key.hasPrefix(prefix) { keys.append(key) }
        }
        return keys.sorted()
    }
}
