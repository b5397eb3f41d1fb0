import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StandardWebhooks
import Testing
import ZixlyAPI
import ZixlyApp
import ZixlyArtifacts
import ZixlyCore
import ZixlyTesting

/// The production application (same `ApplicationBuilder` as `zixly up`) on a fresh SQLite store.
struct TestApp {
    static let secret = WebhookSecret.generate()
    static let adminKey = "zk_test_admin_key_0123456789"
    /// scrypt at 2^12, not 2^17: a debug build's unoptimised scrypt takes seconds a hash, and the
    /// suite hashes dozens of times beside timing-sensitive queue tests.
    static let passwordCost = 12
    let stores: TestStores
    let builder: ApplicationBuilder

    init(role: ServerRole = .all, busyTimeout: TimeInterval = 10, configure: (inout AppConfiguration) -> Void = { _ in }) async throws {
        stores = try await TestStores.make(.sqlite, busyTimeout: busyTimeout)
        var configuration = AppConfiguration()
        configuration.dataDirectory = stores.directory
        configuration.lease = .seconds(30)
        configuration.metricsRefresh = .milliseconds(100)
        configuration.outboundPolicy = OutboundAddressPolicy(allowed: [CIDR("127.0.0.0/8")!])  // the tests' local receivers
        configuration.passwordHasher.logN = Self.passwordCost
        configure(&configuration)
        builder = ApplicationBuilder(
            configuration: configuration, role: role,
            stores: Stores(
                jobs: stores.jobs, results: stores.results, apiKeys: stores.apiKeys, webhooks: stores.webhooks, users: stores.users,
                signingSecrets: stores.signingSecrets, datasets: stores.datasets,
                artifacts: FileArtifactStore(root: stores.directory.appendingPathComponent("artifacts"))),
            secrets: ([Self.secret], Self.adminKey))
    }

    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await builder.buildApplication().test(.router, body)
    }

    /// Standard Webhooks headers for `body`, signed now (or at `date`).
    static func signedHeaders(_ body: String, id: String = "msg_" + UUID().uuidString, date: Date = Date(), secret: WebhookSecret = TestApp.secret)
        -> HTTPFields
    {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in Webhook(secrets: [secret]).sign(id: id, timestamp: date, body: Data(body.utf8)) {
            fields[HTTPField.Name(name)!] = value
        }
        return fields
    }

    static func bearer(_ key: String = TestApp.adminKey, json: Bool = false) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(key)"]
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    static let sweepBody = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10,"strategy_type":"SMA"}"#
}

extension TestResponse {
    var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))) ?? .null }
    var text: String { String(buffer: body) }

    /// DESIGN §3: every error is `{"error", "details"?, "timestamp"}` with the expected status.
    func expectError(_ expected: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == expected, "status", sourceLocation: sourceLocation)
        #expect(json["error"]?.stringValue?.isEmpty == false, "error message in \(text)", sourceLocation: sourceLocation)
        #expect(json["timestamp"]?.stringValue != nil, "timestamp in \(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    }
}

extension TestClientProtocol {
    func post(_ uri: String, _ body: String, headers: HTTPFields) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String, headers: HTTPFields = TestApp.bearer()) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }

    /// Polls the job until it is final (the worker runs inside the application under test).
    func waitUntilFinal(_ id: String) async throws -> JSONValue {
        for _ in 0..<400 {
            let job = try await get("/api/pipelines/\(id)").json
            if let status = job["status"]?.stringValue, ["completed", "failed", "cancelled"].contains(status) { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FactoryError("job \(id) did not finish")
    }
}
