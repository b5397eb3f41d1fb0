import Foundation
import Hummingbird
import ZixlyCore

/// Unauthenticated operations endpoints: liveness, readiness, metrics, the API description.
struct OpsController {
    let services: APIServices

    func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in JSONValue.object(["status": "ok"]).response() }
        router.get("/ready", use: ready)
        router.get("/metrics", use: metrics)
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
    }

    /// 200 when the database answers and its migrations are current; 503 with Retry-After otherwise.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard await services.queue.store.isReady() else {
            throw APIError(.serviceUnavailable, "database unreachable or migrations not current", headers: [.retryAfter: "5"])
        }
        return JSONValue.object(["status": "ready"]).response()
    }

    /// Queue gauges from the store, in Prometheus text format.
    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let counts = try await services.queue.store.countByState()
        let oldest = try await services.queue.store.oldestQueuedAge(now: services.clock.now()) ?? 0
        var lines = [
            "# HELP pipeline_jobs Jobs in the store by status.",
            "# TYPE pipeline_jobs gauge",
        ]
        for state in JobState.allCases {
            lines.append("pipeline_jobs{status=\"\(state.rawValue)\"} \(counts[state] ?? 0)")
        }
        lines += [
            "# HELP pipeline_job_oldest_queued_age_seconds Age of the oldest claimable queued job.",
            "# TYPE pipeline_job_oldest_queued_age_seconds gauge",
            "pipeline_job_oldest_queued_age_seconds \(oldest)",
            "# HELP zixly_build_info Version of the running binary.",
            "# TYPE zixly_build_info gauge",
            "zixly_build_info{version=\"\(services.version)\"} 1",
        ]
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + "\n")))
    }
}
