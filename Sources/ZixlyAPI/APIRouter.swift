public import Hummingbird
import ZixlyQueue

/// The whole HTTP surface: errors rendered uniformly, API keys read, then every controller, each
/// a route collection given only what it uses.
/// (Middleware is added before routes: Hummingbird applies it only to routes registered after it.)
public func buildRouter(_ services: APIServices, surface: RouterSurface = .full) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: HTTPTracingMiddleware(tracer: services.tracer))
    router.add(middleware: HTTPMetricsMiddleware(factory: services.metrics))
    router.add(middleware: ErrorMiddleware(routes: services.routeMethods, pages: services.errorPages))
    let keys = services.keyPrincipals
    router.add(middleware: APIKeyAuthenticator(keys: keys))
    router.add(middleware: SessionAuthenticator(sessions: services.sessions, keys: keys, users: services.users, clock: services.clock))
    router.addRoutes(OpsController(store: services.queue.store, metricsExposition: services.metricsExposition).endpoints)
    guard surface == .full else { return router }
    router.addRoutes(
        WebhookController(
            queue: services.queue, results: services.results, jobTypes: services.jobTypes, signingSecrets: services.signingSecrets,
            metrics: services.metrics, tracer: services.tracer
        ).endpoints, atPath: "/webhook")
    router.addRoutes(
        PipelineController(queue: services.queue, results: services.results, jobTypes: services.jobTypes).endpoints, atPath: "/api/pipelines")
    router.addRoutes(JobStreamController(queue: services.queue).endpoints, atPath: "/api/pipelines")
    router.addRoutes(
        ResultsController(queue: services.queue, results: services.results, artifacts: services.artifacts, aggregates: services.aggregates).endpoints,
        atPath: "/api/pipelines")
    router.addRoutes(
        DatasetController(datasets: services.datasets, imports: services.datasetImportSlots).endpoints, atPath: "/api/datasets")
    router.addRoutes(KeyController(keys: services.apiKeys, clock: services.clock).endpoints, atPath: "/api/keys")
    router.addRoutes(
        WebhookEndpointController(store: services.webhookEndpoints, clock: services.clock, outboundPolicy: services.outboundPolicy).endpoints,
        atPath: "/api/webhook-endpoints")
    router.addRoutes(SigningSecretController(secrets: services.signingSecrets).endpoints, atPath: "/api/webhook-signing-secrets")
    return router
}

/// What a process serves over HTTP.
public enum RouterSurface: Sendable {
    /// Webhooks, the REST API and the operations endpoints.
    case full
    /// `/health`, `/ready`, `/metrics` only (a `zixly worker`).
    case operations
}
