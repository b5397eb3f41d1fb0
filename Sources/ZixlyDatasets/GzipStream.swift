import CZlib
import Foundation

/// Inflates a gzip stream that arrives in pieces, handing out what it has inflated after each.
/// Refuses corrupt data, data after the stream's end, and a stream that stops before its end.
final class GzipStream {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var ended = false
    private var output = [UInt8](repeating: 0, count: 256 << 10)

    init() throws(GzipError) {
        stream.initialize(to: z_stream())
        guard czlib_inflate_init_gzip(stream) == Z_OK else { throw GzipError("zlib could not start") }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates `input`, calling `consume` with each piece of output (at most 256 KiB).
    func inflate(_ input: UnsafeRawBufferPointer, consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !input.isEmpty else { return }
        guard !ended else { throw GzipError("there are bytes after the end of the gzip stream") }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.pointee.avail_in = uInt(input.count)
        // Until the input is used up and zlib has room left over (so it holds nothing back).
        repeat {
            let produced = try output.withUnsafeMutableBytes { buffer -> Int in
                stream.pointee.next_out = buffer.bindMemory(to: Bytef.self).baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                switch status {
                case Z_OK, Z_BUF_ERROR: break
                case Z_STREAM_END: ended = true
                default:
                    let message = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw GzipError("the gzip data is corrupt (\(message))")
                }
                return buffer.count - Int(stream.pointee.avail_out)
            }
            if produced > 0 { try output.withUnsafeBytes { try consume(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
        } while !ended && (stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0)
        if ended && stream.pointee.avail_in > 0 { throw GzipError("there are bytes after the end of the gzip stream") }
    }

    /// Throws unless the stream reached its end.
    func finish() throws(GzipError) {
        guard ended else { throw GzipError("the gzip data stops before its end (truncated upload?)") }
    }
}

/// What is wrong with a gzip body.
struct GzipError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
