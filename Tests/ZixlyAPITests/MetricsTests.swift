import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

/// `/metrics` after real traffic: every series DESIGN §6 names moves when it should, labels stay
/// bounded, and the process figures are the process's own.
@Suite("Metrics")
struct MetricsTests {
    @Test("a sweep by webhook moves the HTTP, queue, worker, sweep and store metrics; rejects are counted by reason")
    func afterASweep() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            let accepted = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody))
            let id = try #require(accepted.json["job_id"]?.stringValue)
            #expect(try await client.waitUntilFinal(id)["status"] == "completed")
            var badSignature = TestApp.signedHeaders(TestApp.sweepBody)
            badSignature[HTTPField.Name("webhook-signature")!] = "v1,AAAA"
            #expect(try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: badSignature).status == .unauthorized)
            let invalid = #"{"ticker":"GOOG"}"#
            #expect(try await client.post("/webhook/trading-sweep", invalid, headers: TestApp.signedHeaders(invalid)).status == .badRequest)
            #expect(try await client.get("/no/such/route/\(UUID())").status == .notFound)

            let metrics = try await eventually(client) { metrics in metrics.value(MetricNames.jobs, ["status": "completed"]) == 1 }
            let response = try await client.get("/metrics", headers: [:])
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)

            // HTTP: templates, never raw paths.
            #expect(metrics.value(MetricNames.httpRequests, ["method": "POST", "route": "/webhook/{jobType}", "status_code": "202"]) == 1)
            #expect(metrics.value(MetricNames.httpRequests, ["route": "/webhook/{jobType}", "status_code": "401"]) == 1)
            #expect((metrics.value(MetricNames.httpRequests, ["method": "GET", "route": "/api/pipelines/{id}", "status_code": "200"]) ?? 0) >= 1)
            #expect(
                metrics.value(MetricNames.httpRequests, ["route": "NotFound", "status_code": "404"]) == 1, "\(metrics.all(MetricNames.httpRequests))")
            #expect(!metrics.all(MetricNames.httpRequests).contains { $0.labels["route"]?.contains(id) == true })
            #expect((metrics.value(MetricNames.httpRequestDuration + "_count", ["route": "/webhook/{jobType}", "status_code": "202"])) == 1)

            // The job's life.
            let sweep = ["job_type": "trading-sweep"]
            #expect(metrics.value(MetricNames.jobsQueued, sweep) == 1)
            #expect(metrics.value(MetricNames.jobAttempts, sweep) == 1)
            #expect(metrics.value(MetricNames.jobsProcessed, sweep.merging(["status": "completed"]) { $1 }) == 1)
            #expect(metrics.value(MetricNames.jobDuration + "_count", sweep.merging(["status": "completed"]) { $1 }) == 1)
            #expect((metrics.value(MetricNames.jobDuration + "_sum", sweep.merging(["status": "completed"]) { $1 }) ?? 0) > 0)
            #expect(metrics.value(MetricNames.jobQueueWait + "_count", sweep) == 1)
            #expect(metrics.value(MetricNames.sweepCombinations, ["strategy": "sma"]) == 28)
            #expect(metrics.value(MetricNames.sweepDuration + "_count", ["strategy": "sma"]) == 1)
            #expect(metrics.value(MetricNames.workerSlots) == 2)
            #expect(metrics.value(MetricNames.workerActiveJobs) == 0)

            // Refused webhooks, by reason.
            #expect(metrics.value(MetricNames.webhookRejected, ["reason": "invalid_signature"]) == 1)
            #expect(metrics.value(MetricNames.webhookRejected, ["reason": "invalid_request"]) == 1)

            // The store's view.
            #expect(metrics.value(MetricNames.jobs, ["status": "queued"]) == 0)
            #expect(metrics.value(MetricNames.oldestQueuedAge) == 0)
            #expect(metrics.value(MetricNames.jobsPastLease) == 0)
            #expect(metrics.value(MetricNames.databaseUp) == 1)

            // The process and the build.
            #expect(metrics.value(MetricNames.buildInfo, ["version": "0.1.0"]) == 1)
            #expect((metrics.value(MetricNames.residentMemory) ?? 0) > 1_000_000)
            #expect((metrics.value(MetricNames.openFileDescriptors) ?? 0) > 3)
            #expect((metrics.value(MetricNames.cpuSeconds) ?? 0) > 0)
            let started = try #require(metrics.value(MetricNames.startTime))
            #expect(abs(started - Date().timeIntervalSince1970) < 3600)
            #expect((metrics.value(MetricNames.memoryLimit) ?? 0) > 0)
        }
    }

    @Test("the queue gauges follow the store: waiting jobs, their age, and a lease that ran out")
    func queueGauges() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            for _ in 0..<3 {
                let accepted = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody))
                #expect(accepted.status == .accepted)
            }
            let metrics = try await eventually(client) { $0.value(MetricNames.jobs, ["status": "queued"]) == 3 }
            #expect(metrics.value(MetricNames.jobsQueued, ["job_type": "trading-sweep"]) == 3)
            #expect(metrics.value(MetricNames.jobsProcessed) == nil, "an API process runs no jobs")
            _ = try await app.stores.jobs.claim(worker: WorkerID("gone"), limit: 1, leaseFor: 0.05, now: Date())
            let later = try await eventually(client) { $0.value(MetricNames.jobsPastLease) == 1 }
            #expect(later.value(MetricNames.jobs, ["status": "running"]) == 1)
            #expect((later.value(MetricNames.oldestQueuedAge) ?? 0) > 0)
        }
    }

    /// Scrapes until `condition` holds (the gauges refresh every 100 ms in tests).
    private func eventually(_ client: any TestClientProtocol, _ condition: (PrometheusText) -> Bool) async throws -> PrometheusText {
        var last: PrometheusText?
        for _ in 0..<100 {
            let metrics = try PrometheusText(try await client.get("/metrics", headers: [:]).text)
            if condition(metrics) { return metrics }
            last = metrics
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition never held; last scrape: \(last?.samples.map(\.name) ?? [])")
        return try #require(last)
    }
}
