public import Foundation

/// Where large results live (files by default, S3 in production). Keys are `/`-separated
/// relative paths such as `results/{jobId}/{sweepRunId}.json`.
public protocol ArtifactStore: Sendable {
    /// Stores `data` at `key`, replacing what was there.
    func put(_ data: Data, at key: String, contentType: String) async throws
    /// The bytes at `key`, or nil if there is none.
    func get(_ key: String) async throws -> Data?
    /// Every key that starts with `prefix`, sorted.
    func list(prefix: String) async throws -> [String]
    /// Starts writing an object in pieces, for what must never be whole in memory (an uploaded
    /// dataset). Nothing is at `key` until `finish()`; `abort()` leaves nothing behind.
    func upload(to key: String, contentType: String) async throws -> any ArtifactUpload
    /// Removes the object at `key` (nothing happens if there is none).
    func delete(_ key: String) async throws
    /// A URL that downloads the object without credentials for `seconds` (S3 presigned), or nil
    /// where the store has none (files: the API serves the bytes itself).
    func downloadURL(for key: String, expiresIn seconds: Int) async throws -> URL?
}

extension ArtifactStore {
    public func downloadURL(for key: String, expiresIn seconds: Int) async throws -> URL? { nil }
}

/// An object being written in pieces, in order, by one writer.
public protocol ArtifactUpload: Sendable {
    /// Appends bytes.
    func write(_ bytes: Data) async throws
    /// Makes the object visible at its key, whole.
    func finish() async throws
    /// Discards what was written (after a refused import); never throws.
    func abort() async
}

/// A key that would escape the store (`..`, absolute, empty segments).
public struct InvalidArtifactKey: Error, Equatable, CustomStringConvertible {
    public var key: String
    public init(key: String) { self.key = key }
    public var description: String { "invalid artifact key '\(key)'" }

    /// Throws unless `key` is a plain relative path.
    public static func check(_ key: String) throws(InvalidArtifactKey) {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw InvalidArtifactKey(key: key)
        }
    }
}
