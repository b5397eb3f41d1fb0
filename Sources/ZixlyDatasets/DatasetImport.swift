import Crypto
import Foundation
import NIOCore
import SweepEngine
import ZixlyCore

/// Why an upload was refused; nothing of it is kept.
public enum DatasetImportError: Error, Equatable, CustomStringConvertible {
    /// The CSV is malformed: the first bad line and why.
    case invalidFile(DatasetFileError)
    /// The body looked like gzip and is not whole or not gzip.
    case invalidGzip(String)
    /// More than `Limits.maximumBytes` (after gunzip).
    case tooLarge(limit: Int)
    /// Slower than `Limits.timeLimit` end to end.
    case tooSlow(limit: Duration)

    public var description: String {
        switch self {
        case .invalidFile(let error): "\(error)"
        case .invalidGzip(let reason): reason
        case .tooLarge(let limit): "the file is larger than \(limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit) bytes") (after gunzip)"
        case .tooSlow(let limit): "the upload took longer than \(Int(limit.inSeconds)) s"
        }
    }
}

/// One upload streaming through: gunzip if it is gzip, hash, check line by line, and write to
/// the artifact store, a piece at a time. What it holds at once: the zlib window, one line,
/// one piece of output (at most 256 KiB per 16 KiB of input), and the artifact store's part buffer.
struct DatasetImport {
    let limits: Datasets.Limits
    let upload: any ArtifactUpload
    let started: ContinuousClock.Instant
    private var hasher = SHA256()
    private var reader = DatasetCSVReader()
    private var gzip: GzipStream?
    private var decided = false
    private(set) var bytes = 0
    private var received = 0

    init(limits: Datasets.Limits, upload: any ArtifactUpload) {
        self.limits = limits
        self.upload = upload
        started = .now
    }

    /// Takes the next piece of the request body.
    mutating func take(_ chunk: ByteBuffer) async throws {
        guard ContinuousClock.now - started <= limits.timeLimit else { throw DatasetImportError.tooSlow(limit: limits.timeLimit) }
        received += chunk.readableBytes
        guard received <= limits.maximumBytes else { throw DatasetImportError.tooLarge(limit: limits.maximumBytes) }
        if !decided, chunk.readableBytes > 0 {
            decided = true
            if chunk.readableBytesView.starts(with: [0x1F, 0x8B]) {
                do { gzip = try GzipStream() } catch { throw DatasetImportError.invalidGzip(error.description) }
            }
        }
        guard let gzip else { return try await consume(Data(chunk.readableBytesView)) }
        var offset = chunk.readerIndex
        while offset < chunk.writerIndex {
            let length = min(16 << 10, chunk.writerIndex - offset)
            var inflated = Data()
            do {
                try chunk.withUnsafeReadableBytes { all in
                    let start = offset - chunk.readerIndex
                    try gzip.inflate(UnsafeRawBufferPointer(rebasing: all[start..<start + length])) { inflated.append(contentsOf: $0) }
                }
            } catch let error as GzipError {
                throw DatasetImportError.invalidGzip(error.description)
            }
            try await consume(inflated)
            offset += length
        }
    }

    /// Ends the body: the file's last line, and what it holds.
    mutating func finish() async throws -> (summary: DatasetFileSummary, sha256: String) {
        if let gzip {
            do throws(GzipError) { try gzip.finish() } catch { throw DatasetImportError.invalidGzip(error.description) }
        }
        let summary: DatasetFileSummary
        do throws(DatasetFileError) { summary = try reader.finish() } catch { throw DatasetImportError.invalidFile(error) }
        try await upload.finish()
        return (summary, SHA256Hex.hex(hasher.finalize()))
    }

    private mutating func consume(_ data: Data) async throws {
        guard !data.isEmpty else { return }
        bytes += data.count
        guard bytes <= limits.maximumBytes else { throw DatasetImportError.tooLarge(limit: limits.maximumBytes) }
        hasher.update(data: data)
        var failure: DatasetFileError?
        data.withUnsafeBytes { buffer in
            do throws(DatasetFileError) { try reader.read(buffer) } catch { failure = error }
        }
        if let failure { throw DatasetImportError.invalidFile(failure) }
        try await upload.write(data)
    }
}
