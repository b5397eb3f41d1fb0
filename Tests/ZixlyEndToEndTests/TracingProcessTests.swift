import Foundation
import NIOHTTP1
import StandardWebhooks
import Testing
import ZixlyCore
import ZixlyTesting

/// Spans exported by a real `zixly up` to an OTLP/HTTP receiver of the test's own.
@Suite("Traces of a running zixly", .serialized)
struct TracingProcessTests {
    static let receiver = ZixlyProcess.packageRoot.appendingPathComponent("Tests/ZixlyEndToEndTests/Interop/otlp_receiver.py").path
    static let sweep = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#

    struct ExportedSpan {
        var traceID: String
        var spanID: String
        var parentID: String
        var name: String
        var service: String
    }

    @Test("one trace links the webhook's caller, the API, the worker and storage; the worker's log lines carry its trace_id")
    func traceFromWebhookToStorage() async throws {
        let directory = try TemporaryDirectory.make()
        let port = LoopbackPort.free()
        let exports = directory.appendingPathComponent("otlp.jsonl")
        let collector = try PythonServer(script: Self.receiver, arguments: [String(port), exports.path])
        defer { withExtendedLifetime(collector) {} }

        let up = try await ProcessTests.start(
            "up", in: directory,
            extra: [
                "ZIXLY_OTLP_ENDPOINT": "http://127.0.0.1:\(port)", "ZIXLY_OTLP_ENCODING": "json", "OTEL_BSP_SCHEDULE_DELAY": "200",
                "ZIXLY_LOG_FORMAT": "json",
            ])
        let traceID = Self.randomHex(bytes: 16)
        let callerSpanID = Self.randomHex(bytes: 8)
        var headers = Webhook(secrets: [ProcessTests.secret]).sign(id: "msg_\(UUID())", timestamp: Date(), body: Data(Self.sweep.utf8))
        headers["Content-Type"] = "application/json"
        headers["traceparent"] = "00-\(traceID)-\(callerSpanID)-01"
        let accepted = try await HTTP.send(.POST, up.baseURL + "/webhook/trading-sweep", body: Self.sweep, headers: headers)
        let jobID = try #require(accepted.json["job_id"]?.stringValue, "\(accepted.json)")
        _ = try await HTTP.waitForJob(up.baseURL, jobID) { $0["status"] == "completed" }

        var spans: [String: ExportedSpan] = [:]
        for _ in 0..<300 {
            spans = Dictionary(try Self.spans(in: exports).filter { $0.traceID == traceID }.map { ($0.name, $0) }) { first, _ in first }
            if spans["storage.results.save"] != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let names = spans.keys.sorted()
        let http = try #require(spans["POST /webhook/{jobType}"], "spans of the trace: \(names)")
        #expect(http.parentID == callerSpanID, "the API continues the caller's traceparent")
        #expect(http.service == "zixly")
        #expect(spans["webhook.verify"]?.parentID == http.spanID, "\(names)")
        let enqueue = try #require(spans["queue.enqueue"], "\(names)")
        #expect(enqueue.parentID == http.spanID)
        let job = try #require(spans["job trading-sweep"], "the worker's span joins the trace: \(names)")
        #expect(job.parentID == enqueue.spanID)
        for child in ["queue.claim", "sweep.load_data", "sweep.compute", "storage.artifact.put", "storage.results.save"] {
            #expect(spans[child]?.parentID == job.spanID, "\(child) under the job's span: \(names)")
        }

        let jobLines = up.stderr.split(separator: "\n").compactMap { line -> JSONValue? in
            guard let value = try? JSONValue(jsonText: String(line)), value["job_id"]?.stringValue == jobID else { return nil }
            return value
        }
        let completed = try #require(jobLines.first { $0["message"] == "job completed" }, "\(jobLines.count) lines for the job")
        #expect(completed["trace_id"]?.stringValue == traceID)
        #expect(completed["span_id"]?.stringValue == job.spanID)
    }

    /// Every span in the receiver's file (OTLP JSON; ids in hex, or base64 as protobuf's JSON writes bytes).
    static func spans(in file: URL) throws -> [ExportedSpan] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        var spans: [ExportedSpan] = []
        for line in text.split(separator: "\n") {
            let export = try JSONValue(jsonText: String(line))
            for resourceSpans in export["resourceSpans"]?.arrayValue ?? [] {
                let service =
                    (resourceSpans["resource"]?["attributes"]?.arrayValue ?? [])
                    .first { $0["key"] == "service.name" }?["value"]?["stringValue"]?.stringValue ?? ""
                for scope in resourceSpans["scopeSpans"]?.arrayValue ?? [] {
                    for span in scope["spans"]?.arrayValue ?? [] {
                        spans.append(
                            ExportedSpan(
                                traceID: hex(span["traceId"]?.stringValue), spanID: hex(span["spanId"]?.stringValue),
                                parentID: hex(span["parentSpanId"]?.stringValue), name: span["name"]?.stringValue ?? "", service: service))
                    }
                }
            }
        }
        return spans
    }

    static func hex(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "" }
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        guard let data = Data(base64Encoded: text) else { return text }
        return data.map { String(format: "%02x", $0) }.joined()
    }

    static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 1...255)) }.joined()
    }
}
