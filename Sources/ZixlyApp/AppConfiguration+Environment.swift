import Foundation
import Logging
public import StandardWebhooks
import ZixlyAPI
import ZixlyCore
import ZixlyDatasets
import ZixlyTelemetry

extension AppConfiguration {
    /// Reads the `ZIXLY_*` variables (and `*_FILE` for secrets) from `environment`.
    /// - Throws: `ConfigurationError` naming the first bad variable.
    public static func fromEnvironment(_ environment: [String: String], defaultPort: Int = 8080) throws -> AppConfiguration {
        var configuration = AppConfiguration()
        configuration.port = defaultPort
        let reader = EnvironmentReader(environment: environment)
        if let host = reader["ZIXLY_HOST"] { configuration.host = host }
        if let port = try reader.integer("ZIXLY_PORT", in: 1...65535) { configuration.port = port }
        if let directory = reader["ZIXLY_DATA_DIR"] { configuration.dataDirectory = URL(fileURLWithPath: directory) }
        if let url = try reader.secret("ZIXLY_DATABASE_URL") { configuration.database = try parseDatabase(url) }
        if let url = reader["ZIXLY_ARTIFACTS_URL"] { configuration.artifacts = try parseArtifacts(url, reader: reader) }
        if let secrets = try reader.secret("ZIXLY_WEBHOOK_SECRETS") { configuration.webhookSecrets = try parseSecrets(secrets) }
        if let key = try reader.secret("ZIXLY_ADMIN_API_KEY") {
            guard key.count >= 16 else { throw ConfigurationError("ZIXLY_ADMIN_API_KEY", "must be at least 16 characters") }
            configuration.adminAPIKey = key
        }
        if let directory = reader["ZIXLY_MARKET_DATA_DIR"] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ConfigurationError("ZIXLY_MARKET_DATA_DIR", "is not a folder: \(directory)")
            }
            configuration.marketDataDirectory = URL(fileURLWithPath: directory)
        }
        if let concurrency = try reader.integer("ZIXLY_WORKER_CONCURRENCY", in: 1...256) { configuration.workerConcurrency = concurrency }
        if let threads = try reader.integer("ZIXLY_SWEEP_THREADS", in: 0...256) { configuration.sweepThreads = threads }
        if let megabytes = try reader.integer("ZIXLY_DATASET_MAX_MB", in: 1...65_536) { configuration.datasetLimits.maximumBytes = megabytes << 20 }
        if let seconds = try reader.integer("ZIXLY_DATASET_UPLOAD_TIMEOUT_SECONDS", in: 10...86_400) {
            configuration.datasetLimits.timeLimit = .seconds(seconds)
        }
        if let imports = try reader.integer("ZIXLY_DATASET_IMPORTS", in: 1...64) { configuration.datasetImports = imports }
        if let lease = try reader.integer("ZIXLY_LEASE_SECONDS", in: 3...86_400) { configuration.lease = .seconds(lease) }
        if let grace = try reader.integer("ZIXLY_SHUTDOWN_GRACE_SECONDS", in: 0...3600) { configuration.shutdownGrace = .seconds(grace) }
        if let interval = try reader.integer("ZIXLY_RESCUE_INTERVAL_SECONDS", in: 1...3600) { configuration.rescueInterval = .seconds(interval) }
        if let poll = try reader.integer("ZIXLY_POLL_INTERVAL_MS", in: 10...600_000) { configuration.pollInterval = .milliseconds(poll) }
        if let refresh = try reader.integer("ZIXLY_METRICS_REFRESH_MS", in: 100...3_600_000) {
            configuration.metricsRefresh = .milliseconds(refresh)
        }
        configuration.email = try parseEmail(reader: reader)
        if let url = reader["ZIXLY_TRADING_API_URL"] {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), components.host != nil else {
                throw ConfigurationError("ZIXLY_TRADING_API_URL", "must be an http:// or https:// URL")
            }
            let poll = try reader.integer("ZIXLY_TRADING_API_POLL_MS", in: 50...600_000) ?? 2000
            configuration.tradingAPI = .init(url: url, apiKey: try reader.secret("ZIXLY_TRADING_API_KEY"), pollInterval: .milliseconds(poll))
        }
        if let schedule = reader["ZIXLY_WEBHOOK_RETRY_SCHEDULE"] { configuration.webhookRetrySchedule = try parseRetrySchedule(schedule) }
        if let timeout = try reader.integer("ZIXLY_WEBHOOK_TIMEOUT_SECONDS", in: 1...300) { configuration.webhookTimeout = .seconds(timeout) }
        if let level = reader["ZIXLY_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError("ZIXLY_LOG_LEVEL", "must be one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = parsed
        }
        if let format = reader["ZIXLY_LOG_FORMAT"] {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else { throw ConfigurationError("ZIXLY_LOG_FORMAT", "must be json or text") }
            configuration.logFormat = parsed
        } else {
            configuration.logFormat = isatty(STDERR_FILENO) != 0 ? .text : .json  // text for terminals, JSON lines otherwise
        }
        if let endpoint = reader["ZIXLY_OTLP_ENDPOINT"] {
            guard let components = URLComponents(string: endpoint), ["http", "https"].contains(components.scheme ?? ""), components.host != nil else {
                throw ConfigurationError("ZIXLY_OTLP_ENDPOINT", "must be the http:// or https:// URL of an OTLP/HTTP collector")
            }
            configuration.otlpEndpoint = endpoint
        }
        if let encoding = reader["ZIXLY_OTLP_ENCODING"] {
            guard let parsed = TracingBackend.Encoding(rawValue: encoding.lowercased()) else {
                throw ConfigurationError("ZIXLY_OTLP_ENCODING", "must be protobuf or json")
            }
            configuration.otlpEncoding = parsed
        }
        if let executor = reader["ZIXLY_EXECUTOR"] {
            guard let parsed = Executor(rawValue: executor.lowercased()) else {
                throw ConfigurationError("ZIXLY_EXECUTOR", "must be nio or dispatch")
            }
            configuration.executor = parsed
        }
        try readAbuseLimits(reader, into: &configuration)
        return configuration
    }

    /// The HTTP server's limits and the sign-in throttle (docs/security.md).
    static func readAbuseLimits(_ reader: EnvironmentReader, into configuration: inout AppConfiguration) throws {
        if let seconds = try reader.integer("ZIXLY_HTTP_HEADER_TIMEOUT_SECONDS", in: 1...300) {
            configuration.httpLimits.headerTimeout = .seconds(seconds)
        }
        if let seconds = try reader.integer("ZIXLY_HTTP_IDLE_TIMEOUT_SECONDS", in: 1...3600) {
            configuration.httpLimits.idleTimeout = .seconds(seconds)
        }
        if let count = try reader.integer("ZIXLY_HTTP_MAX_CONNECTIONS", in: 1...1_000_000) { configuration.httpLimits.maxConnections = count }
        if let count = try reader.integer("ZIXLY_PASSWORD_HASHERS", in: 1...64) { configuration.passwordHasher.concurrency = count }
        if let logN = try reader.integer("ZIXLY_PASSWORD_COST", in: 12...20) { configuration.passwordHasher.logN = logN }
        if let count = try reader.integer("ZIXLY_LOGIN_ACCOUNT_FAILURES", in: 1...10_000) { configuration.signInThrottle.accountFreeFailures = count }
        if let count = try reader.integer("ZIXLY_LOGIN_ADDRESS_FAILURES", in: 1...1_000_000) {
            configuration.signInThrottle.addressFreeFailures = count
        }
        if let seconds = try reader.integer("ZIXLY_LOGIN_MAX_DELAY_SECONDS", in: 1...86_400) {
            configuration.signInThrottle.maxDelay = .seconds(seconds)
            configuration.signInThrottle.firstDelay = min(configuration.signInThrottle.firstDelay, .seconds(seconds))
        }
        if let trust = try reader.boolean("ZIXLY_TRUST_FORWARDED_FOR") { configuration.signIn.trustForwardedFor = trust }
        if let text = reader["ZIXLY_WEBHOOK_ALLOWED_CIDRS"] {
            configuration.outboundPolicy.allowed = try text.split(separator: ",").map { part in
                guard let cidr = CIDR(String(part)) else {
                    throw ConfigurationError("ZIXLY_WEBHOOK_ALLOWED_CIDRS", "entry '\(part)' is not an address range like 10.1.0.0/16 or fd00::/8")
                }
                return cidr
            }
        }
    }

    /// `sqlite://PATH` (relative or absolute) or `postgres://user:pass@host:port/db`.
    public static func parseDatabase(_ text: String) throws -> Database {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ConfigurationError("ZIXLY_DATABASE_URL", "has no path after sqlite://") }
            return .sqlite(path: path)
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            return .postgres(url: text)
        }
        throw ConfigurationError("ZIXLY_DATABASE_URL", "must start with sqlite:// or postgres://")
    }

    /// `file://PATH`, or `s3://bucket[/prefix]` with `ZIXLY_S3_ENDPOINT` (MinIO, moto; unset = AWS),
    /// `AWS_REGION` (default us-east-1), and access keys or IRSA's web identity (`s3Credentials`).
    static func parseArtifacts(_ text: String, reader: EnvironmentReader) throws -> Artifacts {
        if text.hasPrefix("file://") {
            let path = String(text.dropFirst("file://".count))
            guard !path.isEmpty else { throw ConfigurationError("ZIXLY_ARTIFACTS_URL", "has no path after file://") }
            return .files(URL(fileURLWithPath: path))
        }
        guard text.hasPrefix("s3://") else { throw ConfigurationError("ZIXLY_ARTIFACTS_URL", "must start with file:// or s3://") }
        let rest = text.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        guard (3...63).contains(bucket.count), bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }) else {
            throw ConfigurationError("ZIXLY_ARTIFACTS_URL", "has an invalid bucket name '\(bucket)'")
        }
        var endpoint: URL?
        if let text = reader["ZIXLY_S3_ENDPOINT"] {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ConfigurationError("ZIXLY_S3_ENDPOINT", "must be an http(s):// URL")
            }
            endpoint = url
        }
        return .s3(
            bucket: bucket, prefix: String(rest.dropFirst(bucket.count)), endpoint: endpoint,
            region: reader["AWS_REGION"] ?? reader["AWS_DEFAULT_REGION"] ?? "us-east-1", credentials: try s3Credentials(reader))
    }

    /// Access keys when `AWS_ACCESS_KEY_ID` is set; else IRSA's web identity (`AWS_ROLE_ARN` and
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`, as EKS sets them).
    static func s3Credentials(_ reader: EnvironmentReader) throws -> S3Credentials {
        if let accessKey = try reader.secret("AWS_ACCESS_KEY_ID") {
            guard let secretKey = try reader.secret("AWS_SECRET_ACCESS_KEY") else {
                throw ConfigurationError("AWS_SECRET_ACCESS_KEY", "is required with AWS_ACCESS_KEY_ID")
            }
            return .keys(accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: try reader.secret("AWS_SESSION_TOKEN"))
        }
        guard let role = reader["AWS_ROLE_ARN"], let tokenFile = reader["AWS_WEB_IDENTITY_TOKEN_FILE"] else {
            throw ConfigurationError(
                "AWS_ACCESS_KEY_ID", "is required for s3:// artifacts (or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, as EKS's IRSA sets them)")
        }
        guard role.hasPrefix("arn:") else { throw ConfigurationError("AWS_ROLE_ARN", "must be an IAM role ARN (arn:aws:iam::…:role/…)") }
        var stsEndpoint: URL?
        if let text = reader["AWS_ENDPOINT_URL_STS"] {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ConfigurationError("AWS_ENDPOINT_URL_STS", "must be an http(s):// URL")
            }
            stsEndpoint = url
        }
        let session = reader["AWS_ROLE_SESSION_NAME"] ?? "zixly-\(ProcessInfo.processInfo.processIdentifier)"
        return .webIdentity(roleARN: role, tokenFile: tokenFile, sessionName: session, stsEndpoint: stsEndpoint)
    }

    /// `ZIXLY_SMTP_URL` = `smtp://[user[:password]@]host[:port][?starttls=when-offered|required|never]`
    /// (port 587 by default) with `ZIXLY_NOTIFY_EMAIL` (comma-separated), `ZIXLY_SMTP_FROM`, `ZIXLY_SMTP_CA_FILE`.
    static func parseEmail(reader: EnvironmentReader) throws -> EmailSettings? {
        let url = try reader.secret("ZIXLY_SMTP_URL")
        let recipients = (reader["ZIXLY_NOTIFY_EMAIL"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        guard let url else {
            if !recipients.isEmpty { throw ConfigurationError("ZIXLY_SMTP_URL", "is required when ZIXLY_NOTIFY_EMAIL is set") }
            return nil
        }
        guard !recipients.isEmpty else { throw ConfigurationError("ZIXLY_NOTIFY_EMAIL", "is required when ZIXLY_SMTP_URL is set") }
        guard recipients.allSatisfy({ $0.contains("@") }) else { throw ConfigurationError("ZIXLY_NOTIFY_EMAIL", "must be email addresses") }
        guard let components = URLComponents(string: url), components.scheme == "smtp", let host = components.host, !host.isEmpty else {
            throw ConfigurationError("ZIXLY_SMTP_URL", "must be smtp://[user:password@]host[:port]")
        }
        let startTLS = components.queryItems?.first { $0.name == "starttls" }?.value ?? "when-offered"
        guard ["when-offered", "required", "never"].contains(startTLS) else {
            throw ConfigurationError("ZIXLY_SMTP_URL", "starttls must be when-offered, required or never")
        }
        return EmailSettings(
            host: host, port: components.port ?? 587, username: components.user?.removingPercentEncoding,
            password: components.password?.removingPercentEncoding, startTLS: startTLS,
            from: reader["ZIXLY_SMTP_FROM"] ?? "Zixly <zixly@localhost>", recipients: recipients,
            trustedCertificatesFile: reader["ZIXLY_SMTP_CA_FILE"])
    }

    /// Comma-separated `whsec_…` secrets; the first signs, all verify.
    /// `5s,5m,30m,2h` (units ms, s, m, h; at least one delay, each at most a day).
    public static func parseRetrySchedule(_ text: String) throws -> [Duration] {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let delays = try text.split(separator: ",").map { part -> Duration in
            let part = part.trimmingCharacters(in: .whitespaces)
            guard let unit = units.first(where: { part.hasSuffix($0.suffix) && Double(part.dropLast($0.suffix.count)) != nil }),
                let value = Double(part.dropLast(unit.suffix.count)), value >= 0, value * unit.seconds <= 86_400
            else {
                throw ConfigurationError("ZIXLY_WEBHOOK_RETRY_SCHEDULE", "entry '\(part)' is not a delay like 500ms, 5s, 5m or 2h (at most 24h)")
            }
            return .seconds(value * unit.seconds)
        }
        guard !delays.isEmpty else { throw ConfigurationError("ZIXLY_WEBHOOK_RETRY_SCHEDULE", "is empty") }
        // A delivery job may take 50 attempts (the migration that makes them says so): room for
        // the whole schedule and for retries after lost leases.
        guard delays.count <= 24 else {
            throw ConfigurationError("ZIXLY_WEBHOOK_RETRY_SCHEDULE", "has \(delays.count) delays; at most 24 are allowed")
        }
        return delays
    }

    public static func parseSecrets(_ text: String) throws -> [WebhookSecret] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw ConfigurationError("ZIXLY_WEBHOOK_SECRETS", "is empty") }
        return try parts.enumerated().map { index, part in
            do {
                return try WebhookSecret(part)
            } catch {
                throw ConfigurationError("ZIXLY_WEBHOOK_SECRETS", "entry \(index + 1): \(error)")
            }
        }
    }
}

/// Looks variables up; empty values count as unset.
struct EnvironmentReader {
    let environment: [String: String]

    subscript(name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    func integer(_ name: String, in limits: ClosedRange<Int>) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text), limits.contains(value) else {
            throw ConfigurationError(name, "must be a whole number within \(limits.lowerBound)...\(limits.upperBound), not '\(text)'")
        }
        return value
    }

    func boolean(_ name: String) throws -> Bool? {
        guard let text = self[name]?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(name, "must be true or false, not '\(text)'")
        }
    }

    /// `NAME`, or the contents of the file `NAME_FILE` names (trailing newline trimmed).
    func secret(_ name: String) throws -> String? {
        if let value = self[name] { return value }
        guard let path = self[name + "_FILE"] else { return nil }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(name + "_FILE", "names a file that cannot be read: \(path)")
        }
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ConfigurationError(name + "_FILE", "names an empty file: \(path)") }
        return text
    }
}
