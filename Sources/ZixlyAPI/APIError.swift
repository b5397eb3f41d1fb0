import Foundation
public import HTTPTypes
public import Hummingbird
public import ZixlyCore

/// An error the client can act on, rendered as DESIGN §3's shape:
/// `{"error": "<short message>", "details": <optional>, "timestamp": "<ISO-8601>"}`.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var details: JSONValue?
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, details: JSONValue? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.details = details
        self.headers = headers
    }

    public var description: String { "\(status.code) \(message)" }

    public static func badRequest(_ message: String, fields: [String: String]? = nil) -> APIError {
        APIError(.badRequest, message, details: fields.map { .object($0.mapValues(JSONValue.string)) })
    }
    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, message, headers: [.wwwAuthenticate: "Bearer"])
    }
    public static func notFound(_ what: String) -> APIError { APIError(.notFound, "\(what) not found") }
    public static func conflict(_ message: String, details: JSONValue? = nil) -> APIError {
        APIError(.conflict, message, details: details)
    }

    /// 429 with `Retry-After` (whole seconds, at least 1): the client is throttled.
    public static func tooManyRequests(_ message: String, retryAfter seconds: Double) -> APIError {
        APIError(.tooManyRequests, message, headers: [.retryAfter: String(max(1, Int(seconds.rounded(.up))))])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: JSONValue] = ["error": .string(message), "timestamp": .string(ISO8601.string(Date()))]
        if let details { body["details"] = details }
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(body).jsonText())))
    }
}
