public import Foundation
public import Hummingbird
import ZixlyCore

/// A JSON answer of the API: a Codable struct whose Swift names become the API's snake_case keys
/// (`hasMore` → `has_more`), dates in ISO 8601 with milliseconds. One encoder, one naming policy,
/// for every answer built this way; OpenAPI (`docs/openapi.yaml`) stays the contract.
public protocol APIResource: Encodable, Sendable {}

extension APIResource {
    /// This resource as a response with `status`.
    public func response(_ status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try APIEncoding.encoder.encode(self))))
    }
}

/// The API's JSON encoding.
public enum APIEncoding {
    /// snake_case keys, ISO 8601 dates, non-finite numbers refused (an answer must say what they
    /// mean instead). Encoding with a configured `JSONEncoder` is safe from many tasks at once.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.string(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// An optional value that is written as `null` when absent, rather than left out: the API's
/// resources name every field, set or not (`"revoked_at": null`).
@propertyWrapper
public struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

/// What a change to a job answers: the job as it now is, and what happened.
struct JobChange: APIResource {
    var job: JSONValue
    var message: String

    init(_ job: Job, _ message: String) {
        self.job = job.json
        self.message = message
    }
}
