import Testing
import ZixlyTesting

/// The extraction the dashboard and rule checks rely on.
@Suite("PromQL metric names")
struct PromQLNamesTests {
    @Test(
        "series names are found; functions, keywords, labels, strings, durations, numbers and variables are not",
        arguments: [
            ("sum by (route, status_code) (rate(http_requests_total[5m]))", ["http_requests_total"]),
            (#"sum(rate(http_requests_total{status_code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))"#, ["http_requests_total"]),
            (
                "histogram_quantile(0.95, sum by (le, job_type) (rate(pipeline_job_duration_seconds_bucket{status=\"completed\"}[15m])))",
                ["pipeline_job_duration_seconds_bucket"]
            ),
            ("absent(pipeline_worker_slots) or zixly:worker_slots:sum == 0", ["pipeline_worker_slots", "zixly:worker_slots:sum"]),
            (
                "process_resident_memory_bytes{job=~\"zixly.*\"} / on (instance) group_left (version) zixly_build_info > bool 0.9",
                ["process_resident_memory_bytes", "zixly_build_info"]
            ),
            ("sum(increase(pipeline_sweep_duration_seconds_count[$__range])) offset 1h", ["pipeline_sweep_duration_seconds_count"]),
            ("ALERTS{alertstate=\"firing\", alertname=~\"Zixly.*\"} * 1e3", ["ALERTS"]),
            ("max without (instance) (pipeline_jobs{status=\"queued\", note=\"a } b\"})", ["pipeline_jobs"]),
        ] as [(String, Set<String>)])
    func names(expression: String, expected: Set<String>) {
        #expect(PromQL.metricNames(in: expression) == expected)
    }
}
