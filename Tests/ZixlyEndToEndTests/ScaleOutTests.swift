import Foundation
import Synchronization
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
    import NIOHTTP1
#endif

/// 1 API + 3 workers on a PostgreSQL server of the test's own, under chaos: a worker killed with
/// SIGKILL and the database restarted while 1,000 signed webhooks arrive.
@Suite("scale-out under chaos", .serialized)
struct ScaleOutTests {
    static let jobCount = 1_000
    /// Two PBO blocks (one split): a thousand debug-build sweeps at 16 blocks would spend minutes
    /// of CPU on an estimate this test does not look at.
    static let body = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10,"pbo_blocks":2}"#

    /// What the webhook sender saw.
    final class Tally: Sendable {
        let state = Mutex((accepted: [String: String](), unavailable: 0, unavailableWithoutRetryAfter: 0, other: [Int]()))
    }

    /// Sends one webhook until it is accepted, as a sender following Standard Webhooks would:
    /// the same `webhook-id` again after a 503 or a refused connection.
    static func deliver(_ baseURL: String, id: String, tally: Tally) async throws {
        for _ in 0..<600 {
            do {
                let reply = try await HTTP.signedWebhook(baseURL, body: body, secret: ProcessTests.secret, id: id)
                switch reply.status {
                case 200, 202:
                    let job = reply.json["job_id"]?.stringValue ?? ""
                    tally.state.withLock { $0.accepted[id] = job }
                    return
                case 503:
                    tally.state.withLock {
                        $0.unavailable += 1
                        if reply.retryAfter == nil { $0.unavailableWithoutRetryAfter += 1 }
                    }
                default:
                    tally.state.withLock { $0.other.append(reply.status) }
                    return
                }
            } catch {
                // The connection itself failed: try again, as for a 503.
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test("1 API + 3 workers, 1,000 webhooks, a worker SIGKILLed and the database restarted: every accepted job completes exactly once")
    func chaos() async throws {
        let directory = try TemporaryDirectory.make()
        let postgres = try PrivatePostgres(port: LoopbackPort.free())
        try postgres.start()
        let settings = ["ZIXLY_DATABASE_URL": postgres.url, "ZIXLY_WORKER_CONCURRENCY": "2", "ZIXLY_LOG_LEVEL": "info"]
        let api = try await ProcessTests.start("api", in: directory, extra: settings)
        var started3: [ZixlyProcess] = []
        for _ in 0..<3 { started3.append(try await ProcessTests.start("worker", in: directory, extra: settings)) }
        let workers = started3

        let tally = Tally()
        let started = ContinuousClock.now
        let ids = (0..<Self.jobCount).map { "msg_chaos_\($0)" }
        async let chaos: Void = {
            while tally.state.withLock({ $0.accepted.count }) < 300 { try await Task.sleep(for: .milliseconds(20)) }
            workers[0].signal(SIGKILL)
            while tally.state.withLock({ $0.accepted.count }) < 500 { try await Task.sleep(for: .milliseconds(20)) }
            try postgres.stop(mode: "fast")
            try await Task.sleep(for: .seconds(3))
            try postgres.start()
        }()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, id) in ids.enumerated() {
                if index >= 16 { try await group.next() }
                group.addTask { try await Self.deliver(api.baseURL, id: id, tally: tally) }
            }
            try await group.waitForAll()
        }
        try await chaos
        let submitted = ContinuousClock.now

        let summary = tally.state.withLock { $0 }
        #expect(summary.accepted.count == Self.jobCount && summary.other.isEmpty, "other answers: \(summary.other)")
        #expect(summary.unavailable > 0, "webhooks sent while the database was down were answered 503")
        #expect(summary.unavailableWithoutRetryAfter == 0)

        let admin = ["Authorization": "Bearer \(ProcessTests.adminKey)"]
        var completed = 0
        for _ in 0..<1200 {
            completed =
                try await HTTP.send(.GET, api.baseURL + "/api/pipelines?status=completed&limit=1", headers: admin).json["total_jobs"]?.intValue ?? -1
            if completed == Self.jobCount { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let finished = ContinuousClock.now
        let total = try await HTTP.send(.GET, api.baseURL + "/api/pipelines?limit=1", headers: admin).json["total_jobs"]?.intValue
        #expect(completed == Self.jobCount && total == Self.jobCount, "completed \(completed) of \(String(describing: total))")
        #expect(Set(summary.accepted.values).count == Self.jobCount, "one job per webhook-id")

        // From every worker's log: each job completed exactly once, and no attempt number was
        // ever claimed twice (a claim is the only way to run a job, and it bumps the attempt).
        var completions: [String: Int] = [:]
        var claims: [String: [Int]] = [:]
        for worker in workers {
            for line in worker.stderr.split(separator: "\n") {
                guard let entry = try? JSONValue(jsonText: String(line)), let job = entry["job_id"]?.stringValue else { continue }
                switch entry["message"]?.stringValue {
                case "job completed": completions[job, default: 0] += 1
                case "job started": claims[job, default: []].append(Int(entry["attempt"]?.stringValue ?? "") ?? -1)
                default: break
                }
            }
        }
        #expect(completions.values.allSatisfy { $0 == 1 }, "a job completed twice")
        // The database says every job completed; the logs miss at most the two the SIGKILLed
        // worker (two slots) finished but had no time to log, or a reply lost in the restart.
        #expect(completions.count >= Self.jobCount - 3, "\(completions.count) completions logged")
        #expect(claims.values.allSatisfy { Set($0).count == $0.count }, "an attempt claimed twice")
        let rerun = claims.values.filter { $0.count > 1 }.count
        print(
            """
            chaos: \(Self.jobCount) webhooks accepted in \(submitted - started) (\(summary.unavailable) answers 503 with Retry-After \
            while the database was down), all \(completed) completed after \(finished - started); \
            \(rerun) jobs ran more than once after a lost lease; duplicated 0, lost \(Self.jobCount - completed)
            """)
        #expect(rerun >= 1, "the SIGKILLed worker's running jobs were completed elsewhere")

        for process in [api, workers[1], workers[2]] { process.signal(SIGTERM) }
        for process in [api, workers[1], workers[2]] { #expect(await process.waitForExit(timeout: .seconds(30)) == 0) }
    }
}
