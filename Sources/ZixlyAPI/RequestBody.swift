import Foundation
import Hummingbird
import NIOCore
import ZixlyCore

/// Reading request bodies the way every endpoint must: 413 over 1 MiB, 415 unless JSON,
/// 400 for malformed JSON, naming what is wrong.
enum RequestBody {
    /// The raw bytes (≤ 1 MiB).
    static func bytes(_ request: Request, context: AppRequestContext) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "request body is larger than 1 MiB")
        }
    }

    /// Throws 415 unless the Content-Type is JSON (`application/json` or `+json`).
    static func requireJSONContentType(_ request: Request) throws {
        guard let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
            type == "application/json" || type.hasSuffix("+json")
        else {
            throw APIError(.unsupportedMediaType, "Content-Type must be application/json")
        }
    }

    /// Parses JSON bytes; 400 with the parser's complaint when malformed.
    static func json(_ buffer: ByteBuffer) throws -> JSONValue {
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("request body is empty; a JSON object is required") }
        do {
            return try JSONValue(jsonBytes: buffer.readableBytesView)
        } catch let error as JSONSyntaxError {
            throw APIError.badRequest("malformed JSON", fields: ["body": "not valid JSON: \(error)"])
        }
    }

    /// Reads, type-checks and parses a JSON body.
    static func jsonObject(_ request: Request, context: AppRequestContext) async throws -> JSONValue {
        try requireJSONContentType(request)
        return try json(try await bytes(request, context: context))
    }
}
