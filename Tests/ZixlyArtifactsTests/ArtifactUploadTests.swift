import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

@testable import ZixlyArtifacts

@Suite("Artifact uploads in pieces", .serialized)
struct ArtifactUploadTests {
    /// 11 MiB of varied bytes, written in 1 MiB pieces.
    static let payload = Data((0..<(11 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })

    static func write(_ upload: any ArtifactUpload) async throws {
        for start in stride(from: 0, to: payload.count, by: 1 << 20) {
            try await upload.write(payload.subdata(in: start..<min(payload.count, start + (1 << 20))))
        }
    }

    @Test("files: nothing at the key until finish; the bytes whole after; abort leaves no file, not even a hidden one")
    func files() async throws {
        let root = try TemporaryDirectory.make()
        let store = FileArtifactStore(root: root)
        let upload = try await store.upload(to: "datasets/acme/GOOG/1.csv", contentType: "text/csv")
        try await Self.write(upload)
        #expect(try await store.get("datasets/acme/GOOG/1.csv") == nil)
        #expect(try await store.list(prefix: "datasets/").isEmpty)
        try await upload.finish()
        #expect(try await store.get("datasets/acme/GOOG/1.csv") == Self.payload)

        let refused = try await store.upload(to: "datasets/acme/GOOG/2.csv", contentType: "text/csv")
        try await refused.write(Data("Date,Close\n".utf8))
        await refused.abort()
        let left = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("datasets/acme/GOOG").path)
        #expect(left == ["1.csv"], "\(left)")
        try await store.delete("datasets/acme/GOOG/1.csv")
        try await store.delete("datasets/acme/GOOG/1.csv")
        #expect(try await store.get("datasets/acme/GOOG/1.csv") == nil)
        await #expect(throws: InvalidArtifactKey.self) { _ = try await store.upload(to: "../x", contentType: "text/csv") }
    }

    @Test("S3: parts of 5 MiB make one object; a small object is one PUT; abort sends nothing visible; delete removes")
    func s3() async throws {
        let moto = try await MotoServer()
        let store = S3ArtifactStoreTests.store(moto)
        try await store.createBucket()
        let upload = S3Upload(store: store, key: "datasets/acme/GOOG/1.csv", contentType: "text/csv", partSize: 5 << 20)
        try await Self.write(upload)
        #expect(try await store.list(prefix: "datasets/").isEmpty, "parts are not an object")
        try await upload.finish()
        #expect(try await store.get("datasets/acme/GOOG/1.csv") == Self.payload)

        let small = try await store.upload(to: "datasets/acme/GOOG/2.csv", contentType: "text/csv")
        try await small.write(Data("Date,Close\n".utf8))
        try await small.write(Data("2024-01-02,1\n".utf8))
        try await small.finish()
        #expect(try await store.get("datasets/acme/GOOG/2.csv") == Data("Date,Close\n2024-01-02,1\n".utf8))

        let refused = S3Upload(store: store, key: "datasets/acme/GOOG/3.csv", contentType: "text/csv", partSize: 5 << 20)
        try await Self.write(refused)
        await refused.abort()
        #expect(try await store.get("datasets/acme/GOOG/3.csv") == nil)
        try await store.delete("datasets/acme/GOOG/2.csv")
        #expect(try await store.list(prefix: "datasets/") == ["datasets/acme/GOOG/1.csv"])
    }
}
