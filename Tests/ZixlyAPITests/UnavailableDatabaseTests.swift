import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
    import ZixlyApp
#endif

@Suite("A database that cannot answer")
struct UnavailableDatabaseTests {
    /// Another process holds SQLite's write lock (python's sqlite3, `BEGIN EXCLUSIVE`) for a few seconds.
    static func holdWriteLock(on path: String) throws -> Process {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys, time
            connection = sqlite3.connect(sys.argv[1], isolation_level=None)
            connection.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(30)
            """, path,
        ]
        process.standardOutput = pipe
        try process.run()
        _ = pipe.fileHandleForReading.availableData
        return process
    }

    @Test("a write that cannot get the database answers 503 with Retry-After, never 500, and nothing is lost after")
    func busyDatabase() async throws {
        let app = try await TestApp(role: .api, busyTimeout: 0.2)
        try await app.test { client in
            let lock = try Self.holdWriteLock(on: app.stores.directory.appendingPathComponent("zixly.db").path)
            let busy = try await client.post(
                "/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody, id: "msg_busy"))
            busy.expectError(.serviceUnavailable)
            #expect(busy.headers[.retryAfter] == "5")
            // SIGKILL: the test process (running ServiceGroups) ignores SIGTERM, and children inherit that.
            kill(lock.processIdentifier, SIGKILL)
            lock.waitUntilExit()
            let retried = try await client.post(
                "/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody, id: "msg_busy"))
            #expect(retried.status == .accepted, "the sender's retry is accepted once the database answers")
        }
    }
}
