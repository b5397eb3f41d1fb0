import Foundation
import NIOHTTP1
import Testing
import ZixlyCore
import ZixlyTesting

/// Slow, idle and surplus connections against a real `zixly up` over real sockets: each is closed
/// within its limit and the server goes on serving everyone else.
@Suite("Slow and idle clients", .serialized)
struct SlowClientTests {
    static let limits = [
        "ZIXLY_HTTP_HEADER_TIMEOUT_SECONDS": "2", "ZIXLY_HTTP_IDLE_TIMEOUT_SECONDS": "4", "ZIXLY_HTTP_MAX_CONNECTIONS": "40",
    ]

    @Test("bare and half-sent-header connections close at the header timeout; a kept-alive one at the idle timeout; /health stays fast")
    func timeouts() async throws {
        let directory = try TemporaryDirectory.make()
        let up = try await ProcessTests.start("up", in: directory, extra: Self.limits)
        let opened = ContinuousClock.now
        let bare = try (0..<10).map { _ in try RawConnection(port: up.port) }
        let trickling = try (0..<10).map { _ in try RawConnection(port: up.port) }
        for connection in trickling { connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n") }
        // The slowloris keeps sending a header line every half second; it never ends its head.
        let trickle = Task {
            for line in 0..<20 {
                try await Task.sleep(for: .milliseconds(500))
                for connection in trickling { connection.send("X-Slow-\(line): 1\r\n") }
            }
        }
        defer { trickle.cancel() }
        let health = try await HTTP.send(.GET, up.baseURL + "/health")
        #expect(health.status == 200, "served while 20 slow connections are open")

        for (index, connection) in (bare + trickling).enumerated() {
            let closed = try #require(connection.waitUntilClosed(timeout: .seconds(15)), "connection \(index) was never closed")
            _ = closed
        }
        let elapsed = ContinuousClock.now - opened
        #expect(elapsed >= .milliseconds(1500) && elapsed < .seconds(12), "closed at the 2 s header timeout, not before: \(elapsed)")

        // A kept-alive connection: one whole request and its answer, then silence until the idle timeout.
        let keptAlive = try RawConnection(port: up.port)
        keptAlive.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        guard case .data(let answer) = keptAlive.read(timeout: .seconds(10)) else {
            Issue.record("no answer")
            return
        }
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        let idle = try #require(keptAlive.waitUntilClosed(timeout: .seconds(20)), "the idle connection was never closed")
        #expect(idle >= .seconds(3) && idle < .seconds(15), "closed at the 4 s idle timeout: \(idle)")
        #expect(try await HTTP.send(.GET, up.baseURL + "/health").status == 200)
    }

    @Test("past the connection cap a new connection gets 503 with the error shape and is closed at once; freed room serves again")
    func connectionCap() async throws {
        let directory = try TemporaryDirectory.make()
        let up = try await ProcessTests.start("up", in: directory, extra: Self.limits)
        let connections = try (0..<60).map { _ in try RawConnection(port: up.port) }
        var refused = 0
        for connection in connections {
            if case .data(let text) = connection.read(timeout: .milliseconds(300)) {
                #expect(
                    text.hasPrefix("HTTP/1.1 503") && text.contains("Retry-After: 1") && text.contains(#"{"error":"too many connections"#), "\(text)")
                #expect(connection.waitUntilClosed(timeout: .seconds(1)) != nil, "closed right after its 503")
                refused += 1
            }
        }
        #expect(refused >= 20 && refused <= 21, "60 opened against a cap of 40 (one may be the health check's): \(refused) refused")
        // The admitted ones close at the header timeout; then there is room again.
        for connection in connections { _ = connection.waitUntilClosed(timeout: .seconds(15)) }
        #expect(try await HTTP.send(.GET, up.baseURL + "/health").status == 200)
    }

    @Test("oversized and malformed request heads get the JSON error shape; unknown methods on known paths get 405 with Allow")
    func contract() async throws {
        let directory = try TemporaryDirectory.make()
        let up = try await ProcessTests.start("up", in: directory, extra: Self.limits)
        func exchange(_ text: String) throws -> String {
            let connection = try RawConnection(port: up.port)
            connection.send(text)
            var answer = ""
            while case .data(let part) = connection.read(timeout: .seconds(5)) { answer += part }
            return answer
        }
        let huge = try exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n")
        #expect(huge.hasPrefix("HTTP/1.1 431") && huge.contains(#"{"error":"request headers are larger than 64 KiB""#), "\(huge.prefix(300))")
        let garbage = try exchange("NOT A REQUEST\r\n\r\n")
        #expect(garbage.hasPrefix("HTTP/1.1 400") && garbage.contains(#""error":"malformed HTTP request"#), "\(garbage.prefix(300))")
        let trace = try exchange("TRACE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(trace.hasPrefix("HTTP/1.1 405") && trace.lowercased().contains("allow: get, head"), "\(trace.prefix(400))")
        let delete = try exchange("DELETE /api/pipelines HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(delete.hasPrefix("HTTP/1.1 405") && delete.lowercased().contains("allow: get, head, post"), "\(delete.prefix(400))")
        let unknown = try exchange("TRACE /no/such/route HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(unknown.hasPrefix("HTTP/1.1 404"), "\(unknown.prefix(200))")
        #expect(try await HTTP.send(.GET, up.baseURL + "/health").status == 200)
    }
}
