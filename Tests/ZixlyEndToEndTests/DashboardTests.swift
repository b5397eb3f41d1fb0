import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

/// The provisioned Grafana dashboards, checked as Grafana would load them (no Grafana runs here):
/// the classic JSON model at a current schema version, current panel types, a layout without
/// overlaps, every query on the provisioned Prometheus, and the panels the issue asks for.
@Suite("Grafana dashboards")
struct DashboardTests {
    static let grafana = PythonTools.packageRoot.appendingPathComponent("deploy/grafana")
    static let panelTypes: Set<String> = ["timeseries", "stat", "gauge", "table", "bargauge", "text", "row", "heatmap"]

    static func dashboard(_ name: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: grafana.appendingPathComponent("dashboards/\(name).json")))
    }

    @Test(
        "each dashboard loads as Grafana's classic model: ids, types, layout, datasource",
        arguments: ["zixly-overview", "zixly-trading-sweeps", "zixly-slo"])
    func wellFormed(name: String) throws {
        let dashboard = try Self.dashboard(name)
        #expect(dashboard["uid"]?.stringValue == name)
        #expect((dashboard["schemaVersion"]?.intValue ?? 0) >= 39)
        #expect(dashboard["title"]?.stringValue?.isEmpty == false)
        let variables = dashboard["templating"]?["list"]?.arrayValue ?? []
        #expect(variables.contains { $0["name"] == "datasource" && $0["type"] == "datasource" && $0["current"]?["value"] == "zixly-prometheus" })

        let panels = try #require(dashboard["panels"]?.arrayValue)
        let ids = panels.compactMap { $0["id"]?.intValue }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids unique")
        var occupied: Set<[Int]> = []
        for panel in panels {
            let title = panel["title"]?.stringValue ?? "?"
            let type = panel["type"]?.stringValue ?? ""
            #expect(Self.panelTypes.contains(type), "\(title): panel type \(type)")
            let grid = try #require(panel["gridPos"])
            let (x, y, w, h) = (grid["x"]?.intValue ?? -1, grid["y"]?.intValue ?? -1, grid["w"]?.intValue ?? 0, grid["h"]?.intValue ?? 0)
            #expect(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, "\(title): gridPos \(grid)")
            for column in x..<max(x + w, x) {
                for line in y..<max(y + h, y) {
                    #expect(occupied.insert([column, line]).inserted, "\(title) overlaps another panel at \(column),\(line)")
                }
            }
            guard type != "row" else { continue }
            #expect(panel["datasource"]?["uid"] == "${datasource}", "\(title): datasource")
            let targets = panel["targets"]?.arrayValue ?? []
            #expect(!targets.isEmpty, "\(title) has no query")
            for target in targets {
                #expect(target["expr"]?.stringValue?.isEmpty == false && target["datasource"]?["uid"] == "${datasource}", "\(title): \(target)")
            }
        }
    }

    @Test(
        "the overview shows throughput, success, latency percentiles, queue depth and age, workers and alerts; the sweep dashboard sweeps per strategy, combinations per second and durations"
    )
    func requiredPanels() throws {
        func expressions(_ name: String) throws -> String {
            try (Self.dashboard(name)["panels"]?.arrayValue ?? []).flatMap { $0["targets"]?.arrayValue ?? [] }
                .compactMap { $0["expr"]?.stringValue }.joined(separator: "\n")
        }
        let overview = try expressions("zixly-overview")
        for needle in [
            "zixly:jobs_processed:rate5m", "status=\"completed\"", "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket",
            "zixly:jobs:max", "zixly:oldest_queued_age_seconds:max", "pipeline_worker_active_jobs", "pipeline_worker_slots", "ALERTS{",
        ] {
            #expect(overview.contains(needle), "overview lacks \(needle)")
        }
        let sweeps = try expressions("zixly-trading-sweeps")
        for needle in [
            "sum by (strategy) (rate(pipeline_sweep_duration_seconds_count", "zixly:sweep_combinations:rate5m",
            "pipeline_sweep_duration_seconds_bucket",
        ] {
            #expect(sweeps.contains(needle), "sweep dashboard lacks \(needle)")
        }
    }

    @Test("the SLO dashboard shows each SLO's budget left, its SLI and its burn rates, from the SLO recording rules")
    func sloPanels() throws {
        let panels = try Self.dashboard("zixly-slo")["panels"]?.arrayValue ?? []
        let rows = panels.filter { $0["type"] == "row" }.compactMap { $0["title"]?.stringValue }
        #expect(rows.count == 4 && rows.contains("Webhook availability: 99.9% over 30d"), "\(rows)")
        let expressions = panels.flatMap { $0["targets"]?.arrayValue ?? [] }.compactMap { $0["expr"]?.stringValue }
        for slo in ["webhook-availability", "webhook-latency", "job-start", "job-success"] {
            let mine = expressions.filter { $0.contains(#"slo="\#(slo)""#) }
            #expect(mine.contains { $0.hasPrefix("1 - zixly:slo_error_ratio:rate30d") && $0.contains(" / ") }, "\(slo): budget left")
            #expect(mine.contains { $0.hasPrefix("zixly:slo_error_ratio:rate1h") }, "\(slo): burn rate over 1h")
        }
        let rules = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("deploy/prometheus/rules/slo.yml"), encoding: .utf8)
        for window in ["5m", "1h", "6h", "3d", "30d"] {
            #expect(rules.contains("record: zixly:slo_error_ratio:rate\(window)\n"), "every window the dashboard reads is recorded")
        }
    }

    @Test("provisioning names the datasource uid the dashboards default to and the folder they are mounted in")
    func provisioning() throws {
        let datasource = try String(contentsOf: Self.grafana.appendingPathComponent("provisioning/datasources/prometheus.yml"), encoding: .utf8)
        #expect(datasource.contains("uid: zixly-prometheus") && datasource.contains("type: prometheus"))
        let dashboards = try String(contentsOf: Self.grafana.appendingPathComponent("provisioning/dashboards/zixly.yml"), encoding: .utf8)
        #expect(dashboards.contains("type: file") && dashboards.contains("path: /var/lib/grafana/dashboards/zixly"))
    }
}
