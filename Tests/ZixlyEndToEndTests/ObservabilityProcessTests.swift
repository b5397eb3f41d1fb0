import AsyncHTTPClient
import Foundation
import StandardWebhooks
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
    import NIOHTTP1
#endif

/// What Prometheus and Grafana read, checked against a real `zixly up` that has run a job: every
/// metric the rules and dashboards query is exported, and a real Prometheus scrapes the process
/// and evaluates the recording rules, with no alert firing on a healthy system.
@Suite("Observability of a running zixly", .serialized)
struct ObservabilityProcessTests {
    static let deploy = PythonTools.packageRoot.appendingPathComponent("deploy")
    static let sweep = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#

    /// `zixly up` after one completed sweep and one refused webhook, its gauges refreshed.
    static func zixlyAfterAJob(in directory: URL) async throws -> ZixlyProcess {
        let zixly = try await ProcessTests.start("up", in: directory, extra: ["ZIXLY_METRICS_REFRESH_MS": "200"])
        let accepted = try await HTTP.signedWebhook(zixly.baseURL, body: sweep, secret: ProcessTests.secret)
        let id = try #require(accepted.json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(zixly.baseURL, id) { $0["status"] == "completed" }
        let refused = try await HTTP.signedWebhook(zixly.baseURL, body: sweep, secret: WebhookSecret.generate())
        #expect(refused.status == 401)
        try await Task.sleep(for: .milliseconds(500))
        return zixly
    }

    @Test("every metric the alert rules and dashboards query is exported by zixly up after one job")
    func everyQueriedMetricIsExported() async throws {
        let directory = try TemporaryDirectory.make()
        let zixly = try await Self.zixlyAfterAJob(in: directory)
        let scrape = try await HTTP.send(.GET, zixly.baseURL + "/metrics")
        let exported = try PrometheusText(try #require(scrape.json.stringValue)).familyNames
        let recorded = try Self.recordingRuleNames()
        let expressions = try Self.ruleExpressions() + Self.dashboardExpressions()
        #expect(expressions.count >= 40, "found \(expressions.count) expressions")
        var checked: Set<String> = []
        for (source, expression) in expressions {
            for name in PromQL.metricNames(in: expression) {
                checked.insert(name)
                if name.contains(":") {
                    #expect(recorded.contains(name), "\(source): \(name) is not a recording rule in \(expression)")
                } else if !["up", "ALERTS"].contains(name) {
                    #expect(exported.contains(name), "\(source): \(name) is not exported by zixly up (\(expression))")
                }
            }
        }
        #expect(checked.count >= 20)
    }

    @Test("a real Prometheus scrapes zixly up, evaluates the recording rules, and fires no alert on a healthy system")
    func prometheusScrapesZixly() async throws {
        let directory = try TemporaryDirectory.make()
        let zixly = try await Self.zixlyAfterAJob(in: directory)
        let prometheus = try await PrometheusServer(scraping: "127.0.0.1:\(zixly.port)", job: "zixly-api", in: directory)

        let completed = try await prometheus.waitForValue(#"zixly:jobs:max{status="completed"}"#)
        #expect(completed == 1)
        #expect(try await prometheus.waitForValue(#"up{job="zixly-api"}"#) == 1)
        #expect(try await prometheus.waitForValue("zixly:worker_slots:sum") == 2)
        // A rate needs the counter to move between scrapes: a second sweep, now that Prometheus watches.
        let accepted = try await HTTP.signedWebhook(zixly.baseURL, body: Self.sweep, secret: ProcessTests.secret)
        let id = try #require(accepted.json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(zixly.baseURL, id) { $0["status"] == "completed" }
        let rate = try await prometheus.waitForValue(#"sum(zixly:jobs_processed:rate5m{status="completed"})"#) { $0 > 0 }
        #expect(rate > 0)
        #expect(try await prometheus.waitForValue("zixly:job_failure_ratio:rate15m") == 0)
        #expect(try await prometheus.waitForValue(#"zixly:slo_error_ratio:rate5m{slo="job-success"}"#) == 0, "the SLO rules are evaluated")
        #expect(try await prometheus.waitForValue(#"zixly:slo_objective:ratio{slo="webhook-availability"}"#) == 0.999)
        // Every rule has been evaluated several times by now (1 s interval): nothing is pending or firing.
        try await Task.sleep(for: .seconds(3))
        let alerts = try await prometheus.query("ALERTS")
        #expect(alerts.isEmpty, "alerts on a healthy system: \(alerts)")
        let rules = try await HTTP.send(.GET, prometheus.baseURL + "/api/v1/rules")
        let groups = rules.json["data"]?["groups"]?.arrayValue ?? []
        #expect(groups.count == 8, "rule groups loaded: \(groups.count)")
        for group in groups {
            for rule in group["rules"]?.arrayValue ?? [] {
                #expect(rule["health"] == "ok", "\(rule["name"]?.stringValue ?? "?"): \(rule["lastError"]?.stringValue ?? "")")
            }
        }
    }

    @Test("zixly api and zixly worker each serve their own /metrics: enqueues on the API, attempts and slots on the worker, store gauges on both")
    func apiAndWorkerMetrics() async throws {
        let directory = try TemporaryDirectory.make()
        let refresh = ["ZIXLY_METRICS_REFRESH_MS": "200", "ZIXLY_COMMIT": "0123abc"]
        let api = try await ProcessTests.start("api", in: directory, extra: refresh)
        let worker = try await ProcessTests.start("worker", in: directory, extra: refresh)
        let accepted = try await HTTP.signedWebhook(api.baseURL, body: Self.sweep, secret: ProcessTests.secret)
        let id = try #require(accepted.json["job_id"]?.stringValue)
        _ = try await HTTP.waitForJob(api.baseURL, id) { $0["status"] == "completed" }
        try await Task.sleep(for: .milliseconds(600))

        let fromAPI = try PrometheusText(try #require(try await HTTP.send(.GET, api.baseURL + "/metrics").json.stringValue))
        let fromWorker = try PrometheusText(try #require(try await HTTP.send(.GET, worker.baseURL + "/metrics").json.stringValue))
        #expect(fromAPI.value("pipeline_jobs_queued_total", ["job_type": "trading-sweep"]) == 1)
        #expect(fromAPI.value("pipeline_worker_slots") == nil && fromAPI.value("pipeline_jobs_processed_total") == nil)
        #expect(fromWorker.value("pipeline_jobs_processed_total", ["job_type": "trading-sweep", "status": "completed"]) == 1)
        #expect(fromWorker.value("pipeline_worker_slots") == 2 && fromWorker.value("pipeline_jobs_queued_total") == nil)
        for metrics in [fromAPI, fromWorker] {
            #expect(metrics.value("pipeline_jobs", ["status": "completed"]) == 1)
            #expect(metrics.value("zixly_database_up") == 1)
            #expect(metrics.value("zixly_build_info", ["version": "0.1.0", "commit": "0123abc"]) == 1)
            #expect((metrics.value("process_resident_memory_bytes") ?? 0) > 0)
        }
        #expect(
            (fromWorker.value("http_requests_total", ["route": "/health", "status_code": "200"]) ?? 0) >= 1, "the worker counts its own requests")
    }

    /// The recording rules of every rule file (recording.yml and the generated slo.yml).
    static func recordingRuleNames() throws -> Set<String> {
        let text = try AlertingConfigTests.ruleFiles.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n")
        return Set(
            text.split(separator: "\n").compactMap { line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                return trimmed.hasPrefix("- record: ") ? String(trimmed.dropFirst("- record: ".count)) : nil
            })
    }

    /// Every `expr:` of the rule files, single-line or a `|` block.
    static func ruleExpressions() throws -> [(String, String)] {
        var expressions: [(String, String)] = []
        for file in AlertingConfigTests.ruleFiles {
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            var index = 0
            while index < lines.count {
                let line = lines[index]
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                index += 1
                guard trimmed.hasPrefix("expr:") else { continue }
                var expression = String(trimmed.dropFirst("expr:".count)).trimmingCharacters(in: .whitespaces)
                if expression == "|" {
                    let indent = line.prefix { $0 == " " }.count
                    var block: [String] = []
                    while index < lines.count, lines[index].prefix(while: { $0 == " " }).count > indent || lines[index].isEmpty {
                        block.append(String(lines[index]))
                        index += 1
                    }
                    expression = block.joined(separator: "\n")
                }
                expressions.append((URL(fileURLWithPath: file).lastPathComponent, expression))
            }
        }
        return expressions
    }

    /// Every target `expr` of every panel of the provisioned dashboards.
    static func dashboardExpressions() throws -> [(String, String)] {
        let folder = deploy.appendingPathComponent("grafana/dashboards")
        var expressions: [(String, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".json") {
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
            func walk(_ value: JSONValue) {
                switch value {
                case .object(let object):
                    if case .string(let expression)? = object["expr"] { expressions.append((name, expression)) }
                    object.values.forEach(walk)
                case .array(let array): array.forEach(walk)
                default: break
                }
            }
            walk(json)
        }
        return expressions
    }
}

/// Debian's Prometheus, scraping one target every second with Zixly's rule files, for as long as
/// this lives.
final class PrometheusServer: @unchecked Sendable {
    let process = Process()
    let baseURL: String

    init(scraping target: String, job: String, in directory: URL) async throws {
        let rules = ObservabilityProcessTests.deploy.appendingPathComponent("prometheus/rules").path
        let config = directory.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - \(rules)/*.yml
        scrape_configs:
          - job_name: \(job)
            static_configs:
              - targets: ["\(target)"]
        """.write(to: config, atomically: true, encoding: .utf8)
        let port = LoopbackPort.free()
        baseURL = "http://127.0.0.1:\(port)"
        let log = directory.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        process.arguments = [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("tsdb").path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        for _ in 0..<300 {
            if let ready = try? await HTTP.send(.GET, baseURL + "/-/ready"), ready.status == 200 { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FactoryError("prometheus did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// The instant vector `expression` evaluates to now.
    func query(_ expression: String) async throws -> [JSONValue] {
        var components = URLComponents(string: baseURL + "/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: expression)]
        let reply = try await HTTP.send(.GET, components.url!.absoluteString)
        guard reply.json["status"] == "success" else { throw FactoryError("query \(expression): \(reply.json)") }
        return reply.json["data"]?["result"]?.arrayValue ?? []
    }

    /// Polls until `expression` has exactly one sample that `accept`s (at most 60 s); returns its value.
    func waitForValue(_ expression: String, until accept: (Double) -> Bool = { _ in true }) async throws -> Double {
        var last: [JSONValue] = []
        for _ in 0..<600 {
            last = try await query(expression)
            if last.count == 1, let text = last[0]["value"]?.arrayValue?.last?.stringValue, let value = Double(text), accept(value) {
                return value
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FactoryError("\(expression) never had the expected single sample; last: \(last)")
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
