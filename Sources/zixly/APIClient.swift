import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ZixlyCore

/// A small HTTP client for the CLI: JSON in, JSON out, errors shown with the server's message.
struct APIClient {
    let baseURL: String
    let apiKey: String?

    struct Reply {
        var status: Int
        var json: JSONValue
    }

    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return try await execute(request, timeout: .seconds(30))
    }

    /// Sends `request` with the API key; the answer as JSON (or as a string when it is not JSON).
    private func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> Reply {
        var request = request
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw CLIError("cannot reach \(baseURL): \(Self.reason(error, timeout: timeout))")
        }
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let json = (try? JSONValue(jsonBytes: bytes.readableBytesView)) ?? .string(String(buffer: bytes))
        return Reply(status: Int(response.status.code), json: json)
    }

    /// Sends a file as the body, read and sent a megabyte at a time (a dataset may be gigabytes).
    func upload(_ path: String, file: URL, contentType: String) async throws -> JSONValue {
        let handle: FileHandle
        let size: Int
        do {
            handle = try FileHandle(forReadingFrom: file)
            size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
        } catch {
            throw CLIError("cannot read \(file.path): \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        let chunks = AsyncThrowingStream<ByteBuffer, any Error> {
            guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            return ByteBuffer(bytes: data)
        }
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .stream(chunks, length: .known(Int64(size)))
        return try success(try await execute(request, timeout: .hours(1)))
    }

    /// Like `send`, but a non-2xx answer becomes a `CLIError` with the server's message.
    func expectSuccess(_ method: HTTPMethod, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> JSONValue {
        try success(try await send(method, path, body: body, headers: headers))
    }

    /// Why a request got no answer, in words: the connection refused, no such host, a timeout, a
    /// URL that is not one (AsyncHTTPClient's own errors read "connection reset (error set)").
    static func reason(_ error: any Error, timeout: TimeAmount) -> String {
        let text = "\(error)"
        if let client = error as? HTTPClientError {
            switch client {
            case .invalidURL, .emptyHost, .emptyScheme: return "that is not an http:// or https:// URL"
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return "no answer within \(timeout.nanoseconds / 1_000_000_000) s"
            default: break
            }
        }
        if text.contains("Connection refused") || text.contains("errno: 111") {
            return "connection refused: is Zixly running there? Pass --url (or set ZIXLY_URL) if it listens elsewhere"
        }
        if text.contains("lookup") || text.contains("resolve") || text.contains("Name or service not known") {
            return "the host name does not resolve"
        }
        return text
    }

    /// The answer of a 2xx reply; otherwise a `CLIError` naming the server asked, with its message
    /// and each field's problem.
    func success(_ reply: Reply) throws -> JSONValue {
        guard (200..<300).contains(reply.status) else {
            var message = "HTTP \(reply.status) from \(baseURL): \(reply.json["error"]?.stringValue ?? reply.json.jsonText())"
            if reply.status == 401 {
                message += " (the key is --api-key, ZIXLY_API_KEY, or the admin key in .zixly/secrets.json: is this the server that file belongs to?)"
            }
            if case .object(let details)? = reply.json["details"] {
                message += details.sorted { $0.key < $1.key }.map { "\n  \($0.key): \($0.value.stringValue ?? $0.value.jsonText())" }.joined()
            }
            throw CLIError(message)
        }
        return reply.json
    }
}

/// A failure the CLI reports as one message and exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
