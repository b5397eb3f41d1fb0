import Foundation
public import Hummingbird
public import Logging
import Metrics
import ServiceLifecycle
public import StandardWebhooks
import Tracing
import ZixlyAPI
public import ZixlyCore
import ZixlyDashboard
public import ZixlyDatasets
import ZixlyNotify
import ZixlyPipelines
public import ZixlyQueue
public import ZixlyTelemetry

/// Assembles a serving process: stores, HTTP router, worker pool and maintenance, by role.
public struct ApplicationBuilder: Sendable {
    public var configuration: AppConfiguration
    public var role: ServerRole
    public var stores: Stores
    public var secrets: (webhook: [WebhookSecret], adminAPIKey: String)
    public var clock: any WallClock = SystemWallClock()
    public var version = ZixlyVersion.current
    public var commit = ZixlyVersion.commit
    /// Where spans go (OTLP when `ZIXLY_OTLP_ENDPOINT` is set): made by `makeTracing`.
    public var tracing = TracingBackend.disabled
    /// Observes the worker (tests wait on it instead of sleeping).
    public var onWorkerEvent: @Sendable (WorkerPool.Event) -> Void = { _ in }

    public init(configuration: AppConfiguration, role: ServerRole, stores: Stores, secrets: (webhook: [WebhookSecret], adminAPIKey: String)) {
        self.configuration = configuration
        self.role = role
        self.stores = stores
        self.secrets = secrets
    }

    public var marketData: MarketDataDirectory {
        configuration.marketDataDirectory.map(MarketDataDirectory.init(url:)) ?? .bundled
    }

    /// Uploaded datasets and the directory's files.
    public var datasets: Datasets {
        var datasets = Datasets(catalog: stores.datasets, artifacts: stores.artifacts, directory: marketData, clock: clock)
        datasets.limits = configuration.datasetLimits
        return datasets
    }

    /// Every job type this build runs: the API and dashboard accept requests through it, the
    /// worker pool runs its handlers.
    func jobTypes(metrics: any MetricsFactory) -> JobTypeRegistry {
        let external = configuration.tradingAPI.map { settings in
            ExternalSweepExecutor(
                api: HTTPTradingAPI(configuration: .init(baseURL: settings.url, apiKey: settings.apiKey)), artifacts: stores.artifacts,
                pollInterval: settings.pollInterval)
        }
        let sweep = TradingSweepPipeline(
            datasets: datasets, results: stores.results, artifacts: stores.artifacts, clock: clock, threads: configuration.sweepThreads,
            external: external,
            metrics: metrics,
            tracer: tracing.tracer, universe: UniverseSweep(jobs: stores.jobs, results: stores.results, artifacts: stores.artifacts, clock: clock))
        return JobTypeRegistry([TradingSweepJobType(pipeline: sweep), NoopJobType()])
    }

    /// The HTTP surface and the services of this role, ready for `runService()`.
    public func buildApplication(logger: Logger = Logger(label: "zixly")) -> some ApplicationProtocol {
        let wakeups = WorkSignal()
        let exporter = PrometheusExporter(version: version, commit: commit)
        let tracer = tracing.tracer
        let queue = JobQueue(store: stores.jobs, clock: clock, wakeups: wakeups, metrics: QueueMetrics(factory: exporter.factory), tracer: tracer)
        let jobTypes = jobTypes(metrics: exporter.factory)
        var api = APIServices(
            queue: queue, results: stores.results, artifacts: stores.artifacts, apiKeys: stores.apiKeys,
            webhookEndpoints: stores.webhooks, users: stores.users, jobTypes: jobTypes, datasets: datasets,
            signingSecrets: InboundSigningSecrets(configured: secrets.webhook, store: stores.signingSecrets, clock: clock, logger: logger),
            adminAPIKey: secrets.adminAPIKey,
            version: version, metrics: exporter.factory,
            metricsExposition: { exporter.exposition() }, tracer: tracer)
        api.passwordHasher = PasswordHasher(configuration: configuration.passwordHasher)
        api.signInThrottle = SignInThrottle(configuration: configuration.signInThrottle)
        api.signInConfiguration = configuration.signIn
        api.outboundPolicy = configuration.outboundPolicy
        api.datasetImportSlots = ImportSlots(limit: configuration.datasetImports)
        if role.servesAPI { api.errorPages = Dashboard.errorPages }
        let router = buildRouter(api, surface: role.servesAPI ? .full : .operations)
        if role.servesAPI { Dashboard.register(on: router, services: api) }
        api.routeMethods.record(router.routes.map { ("\($0.path)", $0.method.rawValue) })
        return Application(
            router: router,
            server: configuration.httpLimits.server(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "zixly"),
            services: services(wakeups: wakeups, jobTypes: jobTypes, metrics: exporter.factory, logger: logger),
            logger: logger)
    }

    /// The stores' own services (a connection pool) first, then the queue gauges; `all` and
    /// `worker` also get the worker pool, rescuer, pruner and webhook sender.
    func services(wakeups: WorkSignal, jobTypes: JobTypeRegistry, metrics: any MetricsFactory, logger: Logger) -> [any Service] {
        let queueMetrics = QueueMetrics(factory: metrics)
        let gauges = QueueGauges(
            store: stores.jobs, metrics: queueMetrics, interval: configuration.metricsRefresh,
            clock: clock, logger: logger)
        // The span exporter starts first and stops last, so it flushes what the others record.
        let tracingServices = tracing.service.map { [$0] } ?? []
        guard role.runsWorker else { return tracingServices + stores.services + [gauges, HeapTrimmer(logger: logger)] }
        let retryPolicy = RetryPolicy.default
        var pool = WorkerPool.Configuration()
        pool.concurrency = configuration.workerConcurrency
        pool.leaseDuration = configuration.lease
        pool.gracePeriod = configuration.shutdownGrace
        pool.pollInterval = configuration.pollInterval
        var rescue = JobRescuer.Configuration()
        rescue.interval = configuration.rescueInterval
        let wakeupListener = stores.wakeupService.map { [$0(wakeups)] } ?? []
        queueMetrics.prepareRescuer()
        return tracingServices + stores.services + [gauges, HeapTrimmer(logger: logger)] + wakeupListener + [
            WorkerPool(
                store: stores.jobs, handlers: jobTypes.handlers, retryPolicy: retryPolicy, configuration: pool, clock: clock,
                worker: WorkerID.forThisProcess(), wakeups: wakeups, logger: logger, metrics: queueMetrics, tracer: tracing.tracer,
                onEvent: workerEvents(logger: logger)),
            webhookDeliveryWorker(pool: pool, wakeups: wakeups, metrics: metrics, logger: logger),
            JobRescuer(
                store: stores.jobs, retryPolicy: retryPolicy, configuration: rescue, clock: clock, logger: logger,
                onRescue: { queueMetrics.leasesExpired($0.count) }),
            JobPruner(store: stores.jobs, clock: clock, logger: logger),
        ]
    }
}
