import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

/// The listing's event stream over a real connection, read event by event.
@Suite("GET /api/pipelines/events")
struct JobStreamTests {
    /// Reads a stream's `event:`/`data:` blocks one at a time.
    struct EventReader {
        var chunks: HTTPClientResponse.Body.AsyncIterator
        var buffered = ""

        mutating func next() async throws -> (event: String, data: JSONValue) {
            while true {
                if let end = buffered.range(of: "\n\n") {
                    let block = String(buffered[..<end.lowerBound])
                    buffered = String(buffered[end.upperBound...])
                    if block.hasPrefix(":") { continue }
                    let lines = block.split(separator: "\n")
                    let event = lines.first { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) } ?? ""
                    let data = lines.first { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) } ?? "null"
                    return (event, try JSONValue(jsonText: data))
                }
                guard let chunk = try await chunks.next() else { throw FactoryError("the stream ended") }
                buffered += String(buffer: chunk)
            }
        }
    }

    static func ids(_ data: JSONValue) -> [String] {
        data["jobs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test("sends the filtered page at once, then again only when a job joins, changes or leaves it")
    func followsTheListing() async throws {
        let app = try await TestApp(role: .api)
        let first = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:]), now: Date()).job
        try await app.builder.buildApplication().test(.live) { client in
            let port = try #require(client.port)
            // A client of its own, shut down at the end, closes the stream so the server can stop.
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                try await Self.follow(app, first: first, http: http, port: port)
            } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }

    static func follow(_ app: TestApp, first: Job, http: HTTPClient, port: Int) async throws {
        var request = HTTPClientRequest(url: "http://localhost:\(port)/api/pipelines/events?status=queued&limit=5")
        request.headers.add(name: "Authorization", value: "Bearer \(TestApp.adminKey)")
        let response = try await http.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok && response.headers.first(name: "content-type") == "text/event-stream")
        var events = EventReader(chunks: response.body.makeAsyncIterator())

        let initial = try await events.next()
        #expect(initial.event == "jobs" && Self.ids(initial.data) == [first.id.rawValue] && initial.data["total_jobs"] == 1)
        let second = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:]), now: Date().addingTimeInterval(1)).job
        let joined = try await events.next()
        #expect(Self.ids(joined.data) == [second.id.rawValue, first.id.rawValue])
        _ = try await app.stores.jobs.cancel(first.id, now: Date())
        let left = try await events.next()
        #expect(Self.ids(left.data) == [second.id.rawValue] && left.data["total_jobs"] == 1)

        var bad = HTTPClientRequest(url: "http://localhost:\(port)/api/pipelines/events?status=done")
        bad.headers.add(name: "Authorization", value: "Bearer \(TestApp.adminKey)")
        #expect(try await http.execute(bad, timeout: .seconds(10)).status == .badRequest)
        let anonymous = HTTPClientRequest(url: "http://localhost:\(port)/api/pipelines/events")
        #expect(try await http.execute(anonymous, timeout: .seconds(10)).status == .unauthorized)
    }
}
