import Foundation
import Hummingbird
import ZixlyCore
import ZixlyQueue

/// Unauthenticated operations endpoints: liveness, readiness, metrics, the API description.
struct OpsController {
    let store: any JobStore
    /// This process's metrics in Prometheus text format.
    let metricsExposition: @Sendable () -> String

    /// `{"status": …}` of `/health` and `/ready`.
    struct Status: APIResource {
        var status: String
    }

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("health") { _, _ in try Status(status: "ok").response() }
        routes.get("ready", use: ready)
        routes.get("metrics", use: metrics)
        routes.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
        return routes
    }

    /// 200 when the database answers and its migrations are current; 503 with Retry-After otherwise.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard await store.isReady() else {
            throw APIError(.serviceUnavailable, "database unreachable or migrations not current", headers: [.retryAfter: "5"])
        }
        return try Status(status: "ready").response()
    }

    /// This process's metrics in Prometheus text format. The queue's gauges come from the
    /// process's periodic reading of the store: a scrape never queries the database.
    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metricsExposition())))
    }
}
