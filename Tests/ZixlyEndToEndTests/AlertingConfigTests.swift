import Foundation
import Testing
import ZixlyTesting

/// `deploy/prometheus` and `deploy/alertmanager` as Prometheus' and Alertmanager's own tools see
/// them: valid configuration, valid rules, the alert unit tests pass, routing by severity, and
/// every alert carries a severity and a runbook that exists.
@Suite("Alerting configuration")
struct AlertingConfigTests {
    static let root = PythonTools.packageRoot
    static let prometheus = root.appendingPathComponent("deploy/prometheus")
    static var ruleFiles: [String] { files(in: prometheus.appendingPathComponent("rules"), suffix: ".yml") }
    static var ruleTests: [String] { files(in: prometheus.appendingPathComponent("tests"), suffix: ".test.yml") }

    @Test("promtool accepts the compose scrape configuration and every rule file")
    func promtoolChecks() throws {
        let config = try Subprocess.run("/usr/bin/promtool", ["check", "config", Self.prometheus.appendingPathComponent("prometheus.yml").path])
        #expect(config.status == 0, "\(config.output)")
        let rules = try Subprocess.run("/usr/bin/promtool", ["check", "rules"] + Self.ruleFiles)
        #expect(rules.status == 0, "\(rules.output)")
        #expect(Self.ruleFiles.count >= 5)
    }

    @Test("the alert unit tests pass", arguments: ruleTests)
    func promtoolUnitTests(file: String) throws {
        let result = try Subprocess.run("/usr/bin/promtool", ["test", "rules", file])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(
        "Alertmanager's configurations are valid and route pages to on-call, tickets and the rest to the team",
        arguments: ["alertmanager.yml", "alertmanager.compose.yml"])
    func alertmanager(file: String) throws {
        let config = Self.root.appendingPathComponent("deploy/alertmanager/\(file)").path
        let check = try Subprocess.run("/usr/bin/amtool", ["check-config", config])
        #expect(check.status == 0, "\(check.output)")
        let cases: [([String], String)] = [
            (["severity=critical", "alertname=ZixlyJobSuccessErrorBudgetBurn", "slo=job-success"], "on-call"),
            (["severity=critical", "alertname=ZixlyNoWorkerAlive"], "on-call"),
            (["severity=warning", "alertname=ZixlyJobSuccessErrorBudgetBurnSlow", "slo=job-success"], "team"),
            (["severity=info", "alertname=Anything"], "team"),
        ]
        for (labels, receiver) in cases {
            let route = try Subprocess.run(
                "/usr/bin/amtool", ["config", "routes", "test", "--config.file=\(config)", "--verify.receivers=\(receiver)"] + labels)
            #expect(route.status == 0, "\(labels) → \(route.output)")
        }
    }

    @Test("compose's Alertmanager mails a page to on-call and holds back the ticket of the same SLO")
    func composeAlertmanagerMails() async throws {
        let smtp = try SMTPTestServer(tls: false)
        let directory = try TemporaryDirectory.make()
        let compose = try String(contentsOf: Self.root.appendingPathComponent("deploy/alertmanager/alertmanager.compose.yml"), encoding: .utf8)
        let config = directory.appendingPathComponent("alertmanager.yml")
        try compose.replacingOccurrences(of: "mailpit:1025", with: "127.0.0.1:\(smtp.port)").write(to: config, atomically: true, encoding: .utf8)
        let port = LoopbackPort.free()
        let url = "http://127.0.0.1:\(port)"
        let alertmanager = Process()
        alertmanager.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus-alertmanager")
        alertmanager.arguments = [
            "--config.file=\(config.path)", "--storage.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
        ]
        alertmanager.standardOutput = FileHandle.nullDevice
        alertmanager.standardError = FileHandle.nullDevice
        try alertmanager.run()
        defer { alertmanager.terminate() }
        func amtool(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try Subprocess.run("/usr/bin/amtool", arguments + ["--alertmanager.url=\(url)"])
        }
        var ready = false
        for _ in 0..<50 where !ready {
            ready = try amtool(["config", "show"]).status == 0
            if !ready { try await Task.sleep(for: .milliseconds(200)) }
        }
        try #require(ready, "Alertmanager did not start")
        let page = try amtool(["alert", "add", "alertname=ZixlyJobSuccessErrorBudgetBurn", "severity=critical", "slo=job-success"])
        let ticket = try amtool(["alert", "add", "alertname=ZixlyJobSuccessErrorBudgetBurnSlow", "severity=warning", "slo=job-success"])
        #expect(page.status == 0 && ticket.status == 0, "\(page.output) \(ticket.output)")

        var mails: [[String: Any]] = []
        for _ in 0..<150 where mails.isEmpty {  // a page waits 10 s for company
            try await Task.sleep(for: .milliseconds(200))
            mails = try smtp.messages()
        }
        let subjects = mails.compactMap { $0["subject"] as? String }
        #expect(mails.contains { ($0["to"] as? [String]) == ["on-call@zixly.local"] }, "\(mails)")
        #expect(subjects.contains { $0.contains("ZixlyJobSuccessErrorBudgetBurn") }, "\(subjects)")
        let inhibited = try amtool(["alert", "query", "--inhibited", "-o", "json", "alertname=ZixlyJobSuccessErrorBudgetBurnSlow"])
        #expect(inhibited.output.contains(#""inhibitedBy":["#) && !inhibited.output.contains(#""inhibitedBy":[]"#), "\(inhibited.output)")
        #expect(!subjects.contains { $0.contains("BurnSlow") }, "the ticket is held back while its SLO pages")
    }

    @Test("every alert has a severity, a runbook that exists, and unit tests that name it")
    func everyAlertIsDocumentedAndTested() throws {
        let alerts = try Self.alerts()
        #expect(alerts.count >= 11)
        let tests = try Self.ruleTests.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        for alert in alerts {
            #expect(["critical", "warning"].contains(alert.severity ?? ""), "\(alert.name) severity")
            let runbook = try #require(alert.runbook, "\(alert.name) has no runbook_url")
            #expect(runbook.hasSuffix("/docs/runbooks/\(alert.name).md"), "\(alert.name): \(runbook)")
            let file = Self.root.appendingPathComponent("docs/runbooks/\(alert.name).md").path
            #expect(FileManager.default.fileExists(atPath: file), "missing \(file)")
            #expect(tests.components(separatedBy: "alertname: \(alert.name)\n").count >= 3, "\(alert.name): a firing and a quiet case")
        }
    }

    struct Alert {
        var name: String
        var severity: String?
        var runbook: String?
    }

    /// Alert rules read line by line (our rule files keep one key per line).
    static func alerts() throws -> [Alert] {
        var alerts: [Alert] = []
        for file in ruleFiles {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("- alert: ") {
                    alerts.append(Alert(name: String(text.dropFirst("- alert: ".count))))
                } else if text.hasPrefix("severity: "), !alerts.isEmpty {
                    alerts[alerts.count - 1].severity = String(text.dropFirst("severity: ".count))
                } else if text.hasPrefix("runbook_url: "), !alerts.isEmpty {
                    alerts[alerts.count - 1].runbook = String(text.dropFirst("runbook_url: ".count))
                }
            }
        }
        return alerts
    }

    static func files(in directory: URL, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { directory.appendingPathComponent($0).path }
    }
}
