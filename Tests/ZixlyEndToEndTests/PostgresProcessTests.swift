import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
#endif

/// Separate `zixly api` and `zixly worker` processes on one PostgreSQL database.
@Suite("zixly processes on PostgreSQL", .serialized)
struct PostgresProcessTests {
    @Test("an idle worker is woken by NOTIFY; a worker killed mid-job has its job completed by another after the lease")
    func wakeupAndKilledWorker() async throws {
        let directory = try TemporaryDirectory.make()
        let database = ["ZIXLY_DATABASE_URL": try await PostgresTestServer.freshDatabaseURL()]
        let api = try await ProcessTests.start("api", in: directory, extra: database)
        // Polling every 60 s: within this test only a notification can wake this worker.
        let first = try await ProcessTests.start("worker", in: directory, extra: database.merging(["ZIXLY_POLL_INTERVAL_MS": "60000"]) { $1 })
        try await Task.sleep(for: .milliseconds(300))

        let small = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#
        let quick = try #require(try await HTTP.signedWebhook(api.baseURL, body: small, secret: ProcessTests.secret).json["job_id"]?.stringValue)
        let done = try await HTTP.waitForJob(api.baseURL, quick, timeout: .seconds(20)) { $0["status"] == "completed" }
        #expect(done["result_summary"]?["total_combinations"] == 28)

        let long = try #require(
            try await HTTP.signedWebhook(api.baseURL, body: ProcessTests.longSweep, secret: ProcessTests.secret).json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(api.baseURL, long, timeout: .seconds(30)) { $0["status"] == "running" && ($0["progress"]?.intValue ?? 0) > 0 }
        first.signal(SIGKILL)
        #expect(await first.waitForExit(timeout: .seconds(10)) == SIGKILL)

        // The second worker's own leases are long: on a loaded machine a 3 s lease can lapse
        // between heartbeats and the job would run a third time (legitimately, but not this test's point).
        let second = try await ProcessTests.start("worker", in: directory, extra: database.merging(["ZIXLY_LEASE_SECONDS": "30"]) { $1 })
        let job = try await HTTP.waitForJob(api.baseURL, long, timeout: .seconds(180)) {
            ["completed", "failed"].contains($0["status"]?.stringValue ?? "")
        }
        #expect(job["status"] == "completed" && job["attempts"] == 2, "\(job.jsonText())")
        #expect(job["result_summary"]?["total_combinations"] == 19_800)
        #expect(second.stderr.contains("rescued jobs with expired leases"))
        second.signal(SIGTERM)
        api.signal(SIGTERM)
        #expect(await second.waitForExit(timeout: .seconds(30)) == 0)
        #expect(await api.waitForExit(timeout: .seconds(30)) == 0)
    }
}
