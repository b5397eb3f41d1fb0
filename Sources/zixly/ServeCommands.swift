import ArgumentParser
import Foundation
import Hummingbird
import Logging
import StandardWebhooks
import UnixSignals
import ZixlyApp

/// Flags every serving command shares; each overrides its environment variable.
struct ServeOptions: ParsableArguments {
    @Option(help: "Address to listen on (ZIXLY_HOST). Default 127.0.0.1.")
    var host: String?
    @Option(help: "Port to listen on (ZIXLY_PORT).")
    var port: Int?
    @OptionGroup var store: StoreOptions
    @Option(help: "Jobs a worker runs at once (ZIXLY_WORKER_CONCURRENCY).")
    var concurrency: Int?
    @Flag(name: .customLong("no-migrate"), help: "Do not apply schema migrations at start.")
    var noMigrate = false

    /// The environment's configuration with these flags on top.
    func configuration(defaultPort: Int) throws -> AppConfiguration {
        var configuration = try store.configuration(defaultPort: defaultPort)
        if let host { configuration.host = host }
        if let port {
            guard (1...65535).contains(port) else { throw ConfigurationError("--port", "must be within 1...65535") }
            configuration.port = port
        }
        if let concurrency {
            guard (1...256).contains(concurrency) else { throw ConfigurationError("--concurrency", "must be within 1...256") }
            configuration.workerConcurrency = concurrency
        }
        if noMigrate { configuration.migrate = false }
        return configuration
    }
}

/// Where the data is: the flags of every command that opens the stores (`migrate` has no others).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data folder for the embedded store (ZIXLY_DATA_DIR). Default ./.zixly.")
    var dataDirectory: String?
    @Option(name: .customLong("database-url"), help: "sqlite://PATH or postgres://… (ZIXLY_DATABASE_URL).")
    var databaseURL: String?

    /// The environment's configuration with these flags on top.
    func configuration(defaultPort: Int) throws -> AppConfiguration {
        var configuration = try AppConfiguration.fromEnvironment(ProcessInfo.processInfo.environment, defaultPort: defaultPort)
        if let dataDirectory { configuration.dataDirectory = URL(fileURLWithPath: dataDirectory) }
        if let databaseURL { configuration.database = try AppConfiguration.parseDatabase(databaseURL) }
        return configuration
    }
}

/// Starts a serving process, or prints one line and exits 2 on bad configuration.
func serve(_ role: ServerRole, options: ServeOptions, defaultPort: Int) async throws {
    let configuration: AppConfiguration
    let stores: Stores
    let secrets: SecretsFile?
    let executorInstalled: Bool
    do {
        configuration = try options.configuration(defaultPort: defaultPort)
        executorInstalled = configuration.executor.install()
        configuration.bootstrapLogging()
        secrets =
            configuration.webhookSecrets != nil && configuration.adminAPIKey != nil
            ? nil : try SecretsFile.loadOrCreate(in: configuration.dataDirectory)
        stores = try await Stores.open(configuration)
    } catch let error as ConfigurationError {
        printError("zixly: \(error)")
        throw ExitCode(2)
    }
    let webhookSecrets = configuration.webhookSecrets ?? secrets!.webhookSecrets
    let adminKey = configuration.adminAPIKey ?? secrets!.adminAPIKey
    if role != .worker {
        Banner.print(configuration: configuration, secrets: secrets, webhookSecret: webhookSecrets[0].serialized, adminKey: adminKey)
    }
    var builder = ApplicationBuilder(configuration: configuration, role: role, stores: stores, secrets: (webhookSecrets, adminKey))
    var logger = Logger(label: "zixly")
    logger[metadataKey: "role"] = "\(role.rawValue)"
    if configuration.executor == .nio && !executorInstalled {
        logger.info("tasks run on Swift's thread pool: NIO's event loops could not take over its executor (a static build)")
    }
    do {
        builder.tracing = try ApplicationBuilder.makeTracing(configuration, role: role, logger: logger)
    } catch {
        printError("zixly: ZIXLY_OTLP_ENDPOINT cannot be used: \(error)")
        throw ExitCode(2)
    }
    try await builder.buildApplication(logger: logger).runService(gracefulShutdownSignals: [.sigterm, .sigint])
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run everything in one process: API, webhooks, worker and maintenance, on SQLite and files.")
    @OptionGroup var options: ServeOptions
    func run() async throws { try await serve(.all, options: options, defaultPort: 8080) }
}

struct API: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "Run the API and webhook receiver only.")
    @OptionGroup var options: ServeOptions
    func run() async throws { try await serve(.api, options: options, defaultPort: 8080) }
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a worker (with rescuer and pruner); serves /health, /ready and /metrics on port 8081.")
    @OptionGroup var options: ServeOptions
    func run() async throws { try await serve(.worker, options: options, defaultPort: 8081) }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply schema migrations and exit.")
    @OptionGroup var options: StoreOptions
    func run() async throws {
        do {
            var configuration = try options.configuration(defaultPort: 8080)
            configuration.migrate = true
            _ = try await Stores.open(configuration)
            switch configuration.resolvedDatabase {
            case .sqlite(let path): print("migrations applied to sqlite://\(path)")
            case .postgres: print("migrations applied to the PostgreSQL database of ZIXLY_DATABASE_URL")
            }
        } catch let error as ConfigurationError {
            printError("zixly: \(error)")
            throw ExitCode(2)
        }
    }
}
