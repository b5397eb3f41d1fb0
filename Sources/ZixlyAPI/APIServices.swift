import Foundation
public import Metrics
import StandardWebhooks
public import Tracing
public import ZixlyCore
public import ZixlyDatasets
public import ZixlyQueue
public import ZixlySweeps

/// Everything the HTTP layer talks to, chosen by the composition root.
public struct APIServices: Sendable {
    public var queue: JobQueue
    public var results: any SweepResultStore
    public var artifacts: any ArtifactStore
    public var apiKeys: any APIKeyStore
    /// Outbound webhook endpoints and their deliveries.
    public var webhookEndpoints: any WebhookStore
    /// Dashboard users.
    public var users: any UserStore
    /// What may be queued, how each type checks its request and shows its result.
    public var jobTypes: JobTypeRegistry
    /// The market data sweeps may run on: uploaded versions and the directory's files.
    public var datasets: Datasets
    /// Rankings of sweeps of many tickers, kept decoded between requests.
    public var aggregates: StoredAggregates
    /// Dataset uploads this process streams at once (the API's and the dashboard's together).
    public var datasetImportSlots = ImportSlots(limit: 2)
    /// Verifies inbound webhooks (every active secret) and rotates the secrets.
    public var signingSecrets: InboundSigningSecrets
    /// The bootstrap admin key (`ZIXLY_ADMIN_API_KEY`).
    public var adminAPIKey: String
    public var version: String
    /// Where HTTP and webhook metrics are recorded.
    public var metrics: any MetricsFactory
    /// What `GET /metrics` answers (Prometheus text).
    public var metricsExposition: @Sendable () -> String
    /// Where request and webhook spans go.
    public var tracer: any Tracer
    /// Checks and makes password hashes off the event loops, a bounded number at once.
    public var passwordHasher = PasswordHasher()
    /// Failed sign-ins per account and per address.
    public var signInThrottle = SignInThrottle()
    public var signInConfiguration = SignIn.Configuration()
    /// The methods of every registered route (filled when the router is complete), for 405s.
    public var routeMethods = RouteMethods()
    /// Error pages for browsers, when the dashboard is served.
    public var errorPages: (any ErrorPageRenderer)?
    /// Which addresses outbound webhook endpoints may target.
    public var outboundPolicy = OutboundAddressPolicy()

    public init(
        queue: JobQueue, results: any SweepResultStore, artifacts: any ArtifactStore, apiKeys: any APIKeyStore,
        webhookEndpoints: any WebhookStore, users: any UserStore, jobTypes: JobTypeRegistry, datasets: Datasets,
        signingSecrets: InboundSigningSecrets,
        adminAPIKey: String, version: String,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        metricsExposition: @escaping @Sendable () -> String = { "" }, tracer: any Tracer = NoOpTracer()
    ) {
        self.tracer = tracer
        self.metrics = metrics
        self.metricsExposition = metricsExposition
        self.queue = queue
        self.results = results
        self.artifacts = artifacts
        aggregates = StoredAggregates(artifacts: artifacts)
        self.apiKeys = apiKeys
        self.webhookEndpoints = webhookEndpoints
        self.users = users
        self.jobTypes = jobTypes
        self.datasets = datasets
        self.signingSecrets = signingSecrets
        self.adminAPIKey = adminAPIKey
        self.version = version
    }

    var clock: any WallClock { queue.clock }
    /// Who API keys sign in as.
    public var keyPrincipals: KeyPrincipals { KeyPrincipals(adminKey: adminAPIKey, keys: apiKeys) }
    /// Dashboard sessions, signed with a key derived from the admin key.
    public var sessions: Sessions { Sessions(adminKey: adminAPIKey) }
    /// Signing in and out of the dashboard.
    public var signIn: SignIn {
        SignIn(
            users: users, keys: keyPrincipals, hasher: passwordHasher, throttle: signInThrottle, sessions: sessions,
            configuration: signInConfiguration, clock: clock)
    }
}
