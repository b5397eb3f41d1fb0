import Foundation
import StandardWebhooks
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
    import NIOHTTP1
#endif

/// Real `zixly` processes on one SQLite file: duplicates under load, SIGKILL, SIGTERM.
@Suite("zixly processes", .serialized)
struct ProcessTests {
    static let secret = WebhookSecret.generate()
    static let adminKey = "zk_e2e_admin_key_0123456789"

    /// Shared configuration: secrets from the environment, a short lease and rescue interval.
    static func environment(_ directory: URL, extra: [String: String] = [:]) -> [String: String] {
        [
            "ZIXLY_WEBHOOK_SECRETS": secret.serialized, "ZIXLY_ADMIN_API_KEY": adminKey,
            "ZIXLY_DATA_DIR": directory.path, "ZIXLY_LEASE_SECONDS": "3", "ZIXLY_RESCUE_INTERVAL_SECONDS": "1",
            "ZIXLY_LOG_LEVEL": "info", "ZIXLY_WEBHOOK_ALLOWED_CIDRS": "127.0.0.0/8",  // the tests' local receivers
            "ZIXLY_PASSWORD_COST": "12",  // a debug build's scrypt takes seconds at the default 17
        ].merging(extra) { _, new in new }
    }

    static func start(_ command: String, in directory: URL, extra: [String: String] = [:]) async throws -> ZixlyProcess {
        let port = LoopbackPort.free()
        let process = try ZixlyProcess(
            [command, "--port", String(port)], environment: environment(directory, extra: extra), port: port, directory: directory)
        try await process.waitUntilHealthy()
        return process
    }

    /// About 20,000 combinations on 5,000 bars: a few seconds in a debug build.
    /// Long enough to be killed or cancelled mid-run. Two PBO blocks (one split): the overfitting
    /// estimate is not what these tests are about, and at 16 blocks a debug build spends longer on
    /// it than on the sweep.
    static let longSweep = #"{"ticker":"EURUSD","fast_range":[2,100],"slow_range":[101,300],"step":1,"min_trades":10,"pbo_blocks":2}"#

    @Test("500 concurrent signed webhooks, half of them replays, make exactly one job per webhook-id")
    func concurrentDuplicates() async throws {
        let directory = try TemporaryDirectory.make()
        let api = try await Self.start("api", in: directory)
        let body = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#
        let ids = (0..<250).map { "msg_\($0)_\(UUID().uuidString.prefix(8))" }
        let requests = (ids + ids).shuffled()
        let replies = try await withThrowingTaskGroup(of: (String, HTTP.Reply).self) { group in
            var replies: [(String, HTTP.Reply)] = []
            for (index, id) in requests.enumerated() {
                if index >= 50, let next = try await group.next() { replies.append(next) }
                group.addTask { (id, try await HTTP.signedWebhook(api.baseURL, body: body, secret: Self.secret, id: id)) }
            }
            for try await reply in group { replies.append(reply) }
            return replies
        }
        #expect(replies.count == 500)
        #expect(replies.filter { $0.1.status == 202 }.count == 250)
        #expect(replies.filter { $0.1.status == 200 }.count == 250)
        let jobByMessage = Dictionary(grouping: replies, by: \.0).mapValues { Set($0.compactMap { $0.1.json["job_id"]?.stringValue }) }
        #expect(jobByMessage.values.allSatisfy { $0.count == 1 })
        let list = try await HTTP.send(.GET, api.baseURL + "/api/pipelines?limit=1", headers: ["Authorization": "Bearer \(Self.adminKey)"])
        #expect(list.json["total_jobs"] == 250)
        api.signal(SIGTERM)
        #expect(await api.waitForExit(timeout: .seconds(30)) == 0)
    }

    @Test("a worker killed with SIGKILL mid-job: the job completes once, elsewhere, after its lease expires")
    func killedWorker() async throws {
        let directory = try TemporaryDirectory.make()
        let api = try await Self.start("api", in: directory)
        let first = try await Self.start("worker", in: directory)
        let accepted = try await HTTP.signedWebhook(api.baseURL, body: Self.longSweep, secret: Self.secret)
        let id = try #require(accepted.json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(api.baseURL, id) { $0["status"] == "running" && ($0["progress"]?.intValue ?? 0) > 0 }
        first.signal(SIGKILL)
        #expect(await first.waitForExit(timeout: .seconds(10)) == SIGKILL)
        #expect(try await HTTP.send(.GET, api.baseURL + "/webhook/jobs/\(id)").json["status"] == "running")

        // The dead worker's lease was 3 s; the survivor's own is long, so a starved machine (CI
        // runs other process tests beside this one) cannot make it lose the job mid-sweep too.
        let second = try await Self.start("worker", in: directory, extra: ["ZIXLY_LEASE_SECONDS": "30"])
        let job = try await HTTP.waitForJob(api.baseURL, id, timeout: .seconds(180)) {
            ["completed", "failed"].contains($0["status"]?.stringValue ?? "")
        }
        #expect(job["status"] == "completed", "\(job.jsonText())")
        #expect(job["attempts"] == 2, "one attempt died with the first worker, the second completed")
        #expect(job["result_summary"]?["total_combinations"] == 19_800)
        let results = try await HTTP.send(
            .GET, api.baseURL + "/api/pipelines/\(id)/results?format=csv", headers: ["Authorization": "Bearer \(Self.adminKey)"])
        #expect(results.json.stringValue?.split(separator: "\n").count == 19_801, "one result set, not two")
        #expect(second.stderr.contains("rescued jobs with expired leases"), "the surviving worker's rescuer requeued it")
        second.signal(SIGTERM)
        api.signal(SIGTERM)
        #expect(await second.waitForExit(timeout: .seconds(30)) == 0)
        #expect(await api.waitForExit(timeout: .seconds(30)) == 0)
    }

    @Test("SIGTERM stops zixly up with exit 0, releasing a running job, which completes after a restart")
    func gracefulShutdown() async throws {
        let directory = try TemporaryDirectory.make()
        let extra = ["ZIXLY_SHUTDOWN_GRACE_SECONDS": "1"]
        let up = try await Self.start("up", in: directory, extra: extra)
        let accepted = try await HTTP.signedWebhook(up.baseURL, body: Self.longSweep, secret: Self.secret)
        let id = try #require(accepted.json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(up.baseURL, id) { $0["status"] == "running" }
        up.signal(SIGTERM)
        #expect(await up.waitForExit(timeout: .seconds(30)) == 0)
        #expect(up.stderr.contains("job released at shutdown"), "\(up.stderr)")

        let again = try await Self.start("up", in: directory, extra: extra.merging(["ZIXLY_LEASE_SECONDS": "30"]) { $1 })
        let job = try await HTTP.waitForJob(again.baseURL, id, timeout: .seconds(180)) { $0["status"] == "completed" }
        #expect(job["attempts"] == 1, "the released attempt was given back")
        again.signal(SIGTERM)
        #expect(await again.waitForExit(timeout: .seconds(30)) == 0)
    }

    @Test(
        "bad configuration prints one line naming the variable and exits 2",
        arguments: [
            ("ZIXLY_DATABASE_URL", "mysql://localhost/db"),
            ("ZIXLY_WORKER_CONCURRENCY", "lots"),
            ("ZIXLY_PORT", "99999"),
            ("ZIXLY_WEBHOOK_SECRETS", "not-a-secret!"),
            ("ZIXLY_MARKET_DATA_DIR", "/no/such/folder"),
            ("ZIXLY_LOG_FORMAT", "xml"),
            ("ZIXLY_EXECUTOR", "threads"),
        ])
    func badConfiguration(variable: String, value: String) async throws {
        let directory = try TemporaryDirectory.make()
        let (status, _, errors) = try await ZixlyProcess.run(
            ["up"], environment: [variable: value, "ZIXLY_DATA_DIR": directory.path], directory: directory)
        #expect(status == 2)
        let lines = errors.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(variable), "\(errors)")
        #expect(!errors.contains(value) || variable != "ZIXLY_WEBHOOK_SECRETS", "a secret is never echoed")
    }
}
