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
        guard let value = request.headers[.contentType], isJSON(contentType: value) else {
            throw APIError(.unsupportedMediaType, "Content-Type must be application/json")
        }
    }

    /// Whether a Content-Type names JSON: its media type (before any `;`, spaces and tabs
    /// trimmed, any case) is `application/json` or ends in `+json`. On bytes: every webhook asks,
    /// and Foundation's trimming cost more than the rest of the check.
    static func isJSON(contentType: String) -> Bool {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }.drop(while: isBlank)
        while let last = mediaType.last, isBlank(last) { mediaType = mediaType.dropLast() }
        let lowered = mediaType.map { UInt8(ascii: "A")...UInt8(ascii: "Z") ~= $0 ? $0 | 0x20 : $0 }
        return lowered.elementsEqual("application/json".utf8) || lowered.reversed().starts(with: "+json".utf8.reversed())
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

    /// Reads, type-checks and parses a JSON body that must be an object.
    /// - Throws: `APIError` 415 unless JSON, 413 over 1 MiB, 400 when malformed or not an object.
    static func jsonObject(_ request: Request, context: AppRequestContext) async throws -> JSONValue {
        try requireJSONContentType(request)
        let value = try json(try await bytes(request, context: context))
        guard case .object = value else {
            throw APIError.badRequest("request body must be a JSON object", fields: ["body": "is \(value.kind), not an object"])
        }
        return value
    }
}

extension JSONValue {
    /// The JSON type's name, for messages: "an array", "a string".
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
