import Foundation
import Hummingbird
import ZixlyCore
import ZixlyQueue

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

    /// This process's metrics in Prometheus text format. The queue's gauges come from the
    /// process's periodic reading of the store: a scrape never queries the database.
    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: services.metricsExposition())))
    }
}
