public import Hummingbird

/// The whole HTTP surface: errors rendered uniformly, API keys read, then every controller.
/// (Middleware is added before routes: Hummingbird applies it only to routes registered after it.)
public func buildRouter(_ services: APIServices, surface: RouterSurface = .full) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: HTTPTracingMiddleware(tracer: services.tracer))
    router.add(middleware: HTTPMetricsMiddleware(factory: services.metrics))
    router.add(middleware: ErrorMiddleware(routes: services.routeMethods))
    let keys = services.keyPrincipals
    router.add(middleware: APIKeyAuthenticator(keys: keys))
    router.add(middleware: SessionAuthenticator(sessions: services.sessions, keys: keys, users: services.users, clock: services.clock))
    OpsController(services: services).register(on: router)
    guard surface == .full else { return router }
    WebhookController(services: services).register(on: router)
    PipelineController(services: services).register(on: router)
    KeyController(services: services).register(on: router)
    WebhookEndpointController(services: services).register(on: router)
    SigningSecretController(services: services).register(on: router)
    return router
}

/// What a process serves over HTTP.
public enum RouterSurface: Sendable {
    /// Webhooks, the REST API and the operations endpoints.
    case full
    /// `/health`, `/ready`, `/metrics` only (a `zixly worker`).
    case operations
}
