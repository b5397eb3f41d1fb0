public import Foundation
public import Logging
public import StandardWebhooks
public import ZixlyAPI
public import ZixlyCore
public import ZixlyDatasets
public import ZixlyTelemetry

/// Everything a serving command needs, from the environment (12-factor) with flags on top.
/// Every secret can also come from `NAME_FILE`, a file holding it (Kubernetes, Docker secrets).
public struct AppConfiguration: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public enum LogFormat: String, Sendable { case json, text }
    /// Where Swift concurrency's tasks run (`ZIXLY_EXECUTOR`): `nio` (default) on the event loops
    /// that do the process's network I/O, or `dispatch`, Swift's own thread pool. ADR 0014.
    public enum Executor: String, Sendable { case nio, dispatch }

    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = URL(fileURLWithPath: ".zixly")
    /// nil = `sqlite://<data-dir>/zixly.db`.
    public var database: Database?
    /// Where artifacts go: nil = files in `<data-dir>/artifacts`.
    public var artifacts: Artifacts?
    /// nil = generated on first start and kept in `<data-dir>/secrets.json`.
    public var webhookSecrets: [WebhookSecret]?
    public var adminAPIKey: String?
    /// nil = the bundled sample data.
    public var marketDataDirectory: URL?
    public var workerConcurrency = 2
    /// Threads each sweep uses; 0 (the default) for one per core (`ZIXLY_SWEEP_THREADS`).
    public var sweepThreads = 0
    /// What one dataset upload may be (`ZIXLY_DATASET_MAX_MB`, `ZIXLY_DATASET_UPLOAD_TIMEOUT_SECONDS`).
    public var datasetLimits = Datasets.Limits()
    /// Dataset uploads one API process streams at once (`ZIXLY_DATASET_IMPORTS`); more get 429.
    public var datasetImports = 2
    /// A job's lease, renewed every third of it (`ZIXLY_LEASE_SECONDS`). Default 60 s.
    public var lease: Duration = .seconds(60)
    /// How long running jobs may finish after shutdown starts (`ZIXLY_SHUTDOWN_GRACE_SECONDS`). Default 25 s.
    public var shutdownGrace: Duration = .seconds(25)
    /// Time between the rescuer's passes (`ZIXLY_RESCUE_INTERVAL_SECONDS`). Default 15 s.
    public var rescueInterval: Duration = .seconds(15)
    /// How often an idle worker looks for jobs when nothing wakes it. Default 1 s.
    public var pollInterval: Duration = .seconds(1)
    /// How often each process reads the queue's gauges from the store. Default 5 s.
    public var metricsRefresh: Duration = .seconds(5)
    /// Email on completion and final failure; nil = no email (`ZIXLY_SMTP_URL`, `ZIXLY_NOTIFY_EMAIL`).
    public var email: EmailSettings?
    /// Delays before each retry of an outbound webhook delivery (`ZIXLY_WEBHOOK_RETRY_SCHEDULE`);
    /// nil = 5s,5m,30m,2h,5h,10h.
    public var webhookRetrySchedule: [Duration]?
    /// Deadline of one outbound webhook request. Default 15 s.
    public var webhookTimeout: Duration = .seconds(15)
    /// The external trading API sweeps may run on (`ZIXLY_TRADING_API_URL`); nil = built-in engine only.
    public var tradingAPI: TradingAPISettings?
    /// An OTLP/HTTP collector spans are exported to (`ZIXLY_OTLP_ENDPOINT`); nil = no tracing.
    public var otlpEndpoint: String?
    /// `protobuf` (default) or `json` (`ZIXLY_OTLP_ENCODING`).
    public var otlpEncoding = TracingBackend.Encoding.protobuf
    public var executor = Executor.nio
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.json
    public var migrate = true
    /// Header, idle and connection limits of the HTTP server.
    public var httpLimits = HTTPServerLimits()
    /// Password checks at once and waiting (`ZIXLY_PASSWORD_HASHERS`).
    public var passwordHasher = PasswordHasher.Configuration()
    /// Failed sign-ins before locks, and the longest lock (`ZIXLY_LOGIN_*`).
    public var signInThrottle = SignInThrottle.Configuration()
    /// Whose address a sign-in is counted against (`ZIXLY_TRUST_FORWARDED_FOR`).
    public var signIn = SignIn.Configuration()
    /// Where outbound webhooks may go: public addresses, and these ranges (`ZIXLY_WEBHOOK_ALLOWED_CIDRS`).
    public var outboundPolicy = OutboundAddressPolicy()

    public init() {}

    public var resolvedDatabase: Database {
        database ?? .sqlite(path: dataDirectory.appendingPathComponent("zixly.db").path)
    }

    public var resolvedArtifacts: Artifacts {
        artifacts ?? .files(dataDirectory.appendingPathComponent("artifacts"))
    }

    public struct EmailSettings: Sendable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
        /// `when-offered` (default), `required` or `never`.
        public var startTLS: String
        public var from: String
        public var recipients: [String]
        public var trustedCertificatesFile: String?
    }

    public struct TradingAPISettings: Sendable {
        public var url: String
        public var apiKey: String?
        public var pollInterval: Duration
    }

    public enum Artifacts: Sendable {
        case files(URL)
        /// `s3://bucket/prefix` with the endpoint (nil = AWS), region and credentials.
        case s3(bucket: String, prefix: String, endpoint: URL?, region: String, credentials: S3Credentials)
    }

    /// How the S3 client authenticates.
    public enum S3Credentials: Sendable, Equatable {
        /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (or their `_FILE`).
        case keys(accessKeyID: String, secretAccessKey: String, sessionToken: String?)
        /// A role taken with a web identity token (EKS's IRSA): `AWS_ROLE_ARN`,
        /// `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_SESSION_NAME`, `AWS_ENDPOINT_URL_STS`.
        case webIdentity(roleARN: String, tokenFile: String, sessionName: String, stsEndpoint: URL?)
    }
}

/// A configuration value that cannot be used; printed as one line, exit status 2.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var variable: String
    public var problem: String
    public init(_ variable: String, _ problem: String) {
        self.variable = variable
        self.problem = problem
    }
    public var description: String { "invalid configuration: \(variable) \(problem)" }
}
