import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import ZixlyCore

/// The original Zixly's external trading API, as a sweep executor sees it:
/// `POST /api/v1/strategy/sweep` → `{job_id}`, `GET /api/v1/jobs/{id}` → `{status, progress?, error?}`,
/// `GET /api/v1/sweeps/{id}/best` → the best combination.
public protocol TradingAPI: Sendable {
    /// Starts a sweep there; `reference` (our job id) doubles as the idempotency key.
    func submit(_ parameters: TradingSweepParameters, reference: JobID) async throws -> String
    func status(of remoteJobID: String) async throws -> RemoteSweepStatus
    func best(of remoteJobID: String) async throws -> JSONValue
}

public struct RemoteSweepStatus: Sendable, Equatable {
    public enum State: String, Sendable { case queued, running, completed, failed }
    public var state: State
    public var progress: Int?
    public var error: String?
    public init(state: State, progress: Int? = nil, error: String? = nil) {
        self.state = state
        self.progress = progress
        self.error = error
    }
}

/// Why the trading API could not be used; `isRetryable` for outages and 5xx, not for a 4xx.
public struct TradingAPIError: Error, CustomStringConvertible {
    public var description: String
    public var isRetryable: Bool
}

/// `TradingAPI` over HTTP (AsyncHTTPClient's shared client), with an optional bearer key.
public struct HTTPTradingAPI: TradingAPI {
    public struct Configuration: Sendable {
        /// e.g. `https://trading.example.com` (the `/api/v1/…` paths are added).
        public var baseURL: String
        public var apiKey: String?
        public var requestTimeout: Duration = .seconds(30)
        public init(baseURL: String, apiKey: String?) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.apiKey = apiKey
        }
    }

    let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func submit(_ parameters: TradingSweepParameters, reference: JobID) async throws -> String {
        var body = parameters.json
        body = body.merging(["client_reference": .string(reference.rawValue)])
        let answer = try await send(.POST, "/api/v1/strategy/sweep", body: body, headers: ["Idempotency-Key": reference.rawValue])
        guard let id = answer["job_id"]?.stringValue ?? answer["id"]?.stringValue, !id.isEmpty else {
            throw TradingAPIError(description: "the trading API's answer to a sweep has no job_id: \(answer.jsonText())", isRetryable: false)
        }
        return id
    }

    public func status(of remoteJobID: String) async throws -> RemoteSweepStatus {
        let answer = try await send(.GET, "/api/v1/jobs/\(Self.escaped(remoteJobID))")
        let text = answer["status"]?.stringValue?.lowercased() ?? ""
        let state: RemoteSweepStatus.State
        switch text {
        case "queued", "pending": state = .queued
        case "running", "processing": state = .running
        case "completed", "succeeded", "done": state = .completed
        case "failed", "error", "cancelled": state = .failed
        default: throw TradingAPIError(description: "the trading API reports an unknown status '\(text)'", isRetryable: false)
        }
        return RemoteSweepStatus(state: state, progress: answer["progress"]?.intValue, error: answer["error"]?.stringValue)
    }

    public func best(of remoteJobID: String) async throws -> JSONValue {
        try await send(.GET, "/api/v1/sweeps/\(Self.escaped(remoteJobID))/best")
    }

    func send(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, headers: [String: String] = [:]) async throws -> JSONValue {
        var request = HTTPClientRequest(url: configuration.baseURL + path)
        request.method = method
        request.headers.add(name: "accept", value: "application/json")
        if let apiKey = configuration.apiKey { request.headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonText()))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(configuration.requestTimeout))
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw TradingAPIError(description: "the trading API cannot be reached (\(method) \(path)): \(error)", isRetryable: true)
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            throw TradingAPIError(
                description: "the trading API answered \(status) to \(method) \(path): \(String(buffer: bytes).prefix(300))",
                isRetryable: status >= 500 || status == 429)
        }
        guard let json = try? JSONValue(jsonBytes: bytes.readableBytesView) else {
            throw TradingAPIError(description: "the trading API's answer to \(method) \(path) is not JSON", isRetryable: false)
        }
        return json
    }

    static func escaped(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? id
    }
}
