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

    public func upload(to key: String, contentType: String) async throws -> any ArtifactUpload {
        try InvalidArtifactKey.check(key)
        let target = root.appendingPathComponent(key)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        return try FileUpload(target: target)
    }

    public func delete(_ key: String) async throws {
        try InvalidArtifactKey.check(key)
        let target = root.appendingPathComponent(key)
        guard FileManager.default.fileExists(atPath: target.path) else { return }
        try FileManager.default.removeItem(at: target)
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

/// A file written beside its target under a hidden temporary name, renamed into place at the end.
actor FileUpload: ArtifactUpload {
    let target: URL
    let temporary: URL
    private var handle: FileHandle?

    init(target: URL) throws {
        self.target = target
        temporary = target.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        handle = try FileHandle(forWritingTo: temporary)
    }

    func write(_ bytes: Data) throws {
        guard let handle else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path]) }
        try handle.write(contentsOf: bytes)
    }

    func finish() throws {
        guard let handle else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path]) }
        try handle.close()
        self.handle = nil
        if FileManager.default.fileExists(atPath: target.path) {
            _ = try FileManager.default.replaceItemAt(target, withItemAt: temporary)
        } else {
            try FileManager.default.moveItem(at: temporary, to: target)
        }
    }

    func abort() {
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(at: temporary)
    }
}
