import Foundation
import NIOHTTP1
import ZixlyCore

/// An object written to S3 in parts of `partSize` bytes, so at most one part is held in memory:
/// a multipart upload once the first part fills, or one PUT for an object smaller than a part.
/// Nothing is visible at the key until `finish()`; `abort()` removes the parts already sent.
actor S3Upload: ArtifactUpload {
    let store: S3ArtifactStore
    let key: String
    let contentType: String
    let partSize: Int
    private var buffer = Data()
    private var uploadID: String?
    private var etags: [String] = []

    /// `partSize`: 8 MiB unless configured; S3's parts must be at least 5 MiB (all but the last),
    /// and 10,000 parts of 8 MiB allow objects up to 78 GiB.
    init(store: S3ArtifactStore, key: String, contentType: String, partSize: Int) {
        self.store = store
        self.key = key
        self.contentType = contentType
        self.partSize = partSize
    }

    func write(_ bytes: Data) async throws {
        buffer.append(bytes)
        while buffer.count >= partSize {
            let part = buffer.prefix(partSize)
            buffer = Data(buffer.dropFirst(partSize))
            try await send(part: Data(part))
        }
    }

    func finish() async throws {
        guard let uploadID else {
            try await store.put(buffer, at: key, contentType: contentType)
            buffer = Data()
            return
        }
        if !buffer.isEmpty || etags.isEmpty {
            try await send(part: buffer)
            buffer = Data()
        }
        let parts = etags.enumerated().map { index, etag in
            "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(etag)</ETag></Part>"
        }
        let body = Data("<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>".utf8)
        let (_, answer) = try await store.send("POST", url(query: "uploadId=\(SigV4Signer.encode(uploadID))"), body: body, expecting: [200])
        // S3 may answer 200 with an error document when the completion fails late.
        let xml = String(decoding: answer, as: UTF8.self)
        if let code = S3XML.values(of: "Code", in: xml).first {
            throw S3Error(
                operation: "complete multipart \(key)", status: 200, code: code, message: S3XML.values(of: "Message", in: xml).first ?? "")
        }
    }

    func abort() async {
        buffer = Data()
        guard let uploadID else { return }
        _ = try? await store.send("DELETE", url(query: "uploadId=\(SigV4Signer.encode(uploadID))"), expecting: [200, 204, 404])
    }

    private func send(part: Data) async throws {
        let uploadID = try await startedUpload()
        let number = etags.count + 1
        let (_, _, headers) = try await store.sendReadingHeaders(
            "PUT", url(query: "partNumber=\(number)&uploadId=\(SigV4Signer.encode(uploadID))"), body: part, expecting: [200])
        guard let etag = headers.first(name: "etag") else {
            throw S3Error(operation: "upload part \(number) of \(key)", status: 200, code: "NoETag", message: "the answer has no ETag")
        }
        etags.append(etag)
    }

    private func startedUpload() async throws -> String {
        if let uploadID { return uploadID }
        let (_, answer) = try await store.send("POST", url(query: "uploads"), headers: ["content-type": contentType], expecting: [200])
        guard let id = S3XML.values(of: "UploadId", in: String(decoding: answer, as: UTF8.self)).first else {
            throw S3Error(operation: "start multipart \(key)", status: 200, code: "NoUploadId", message: "the answer has no UploadId")
        }
        uploadID = id
        return id
    }

    private func url(query: String) -> URL {
        URL(string: store.objectURL(key).absoluteString + "?" + query)!
    }
}
