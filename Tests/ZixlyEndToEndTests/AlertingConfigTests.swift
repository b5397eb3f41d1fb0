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

    @Test("Alertmanager's configuration is valid and routes by severity")
    func alertmanager() throws {
        let config = Self.root.appendingPathComponent("deploy/alertmanager/alertmanager.yml").path
        let check = try Subprocess.run("/usr/bin/amtool", ["check-config", config])
        #expect(check.status == 0, "\(check.output)")
        for (severity, receiver) in [("critical", "on-call-pager"), ("warning", "team-warnings")] {
            let route = try Subprocess.run(
                "/usr/bin/amtool",
                ["config", "routes", "test", "--config.file=\(config)", "--verify.receivers=\(receiver)", "severity=\(severity)", "alertname=Any"])
            #expect(route.status == 0, "\(severity) → \(route.output)")
        }
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
