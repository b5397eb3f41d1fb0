// swift-tools-version: 6.2
import PackageDescription

/// The compiler as a reviewer: `any` spelled out, every module a file uses imported by that file,
/// imports internal unless a public declaration needs them, complete concurrency checking (the
/// Swift 6 language mode's default, stated), and no warning left standing.
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableExperimentalFeature("StrictConcurrency=complete"),
]

let package = Package(
    name: "zixly",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "zixly", targets: ["zixly"]),
        .library(name: "SweepEngine", targets: ["SweepEngine"]),
        .library(name: "StandardWebhooks", targets: ["StandardWebhooks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // A streaming multipart/form-data parser: the dashboard's dataset upload form, never whole in memory.
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        // OTLP over HTTP only: the gRPC exporter would add gRPC's build for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // Pure compute: OHLCV series, indicators, crossover simulator, metrics, grid sweep. No I/O.
        .target(name: "SweepEngine", swiftSettings: strict),
        // Standard Webhooks signing and verification. No imports of ours.
        .target(
            name: "StandardWebhooks",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Domain value types and the I/O-free seams (ArtifactStore, ResultStore, Notifier).
        .target(name: "ZixlyCore", swiftSettings: strict),
        // The sweep as the platform stores and shows it: results, statistics, their store.
        .target(name: "ZixlySweeps", dependencies: ["ZixlyCore", "SweepEngine"], swiftSettings: strict),
        // The queue: JobStore protocol, JobQueue facade, WorkerPool, RetryPolicy, maintenance services.
        .target(
            name: "ZixlyQueue",
            dependencies: [
                "ZixlyCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strict),
        // The embedded store: SQLite through GRDB (WAL, BEGIN IMMEDIATE).
        .target(
            name: "ZixlySQLite",
            dependencies: ["ZixlyCore", "ZixlyQueue", "ZixlySweeps", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // The production store: PostgreSQL through PostgresNIO (FOR UPDATE SKIP LOCKED).
        .target(
            name: "ZixlyPostgres",
            dependencies: [
                "ZixlyCore", "ZixlyQueue", "ZixlySweeps",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // Artifact stores (files now; S3 in the production-backends issue).
        .target(
            name: "ZixlyArtifacts",
            dependencies: [
                "ZixlyCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict),
        // Notifications: email over SMTP (STARTTLS, AUTH PLAIN/LOGIN), implementing Core's Notifier;
        // outbound webhooks (signed deliveries with retries) from the job-event outbox.
        .target(
            name: "ZixlyNotify",
            dependencies: [
                "ZixlyCore", "ZixlyQueue", "StandardWebhooks",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strict),
        // Datasets: market data as the platform keeps it (uploaded versions, the read-only
        // directory and the shipped samples), imported as a stream.
        // zlib, the system's (zlib1g-dev), for gzip-compressed uploads.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "ZixlyDatasets",
            dependencies: [
                "ZixlyCore", "SweepEngine", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("SampleData")],
            swiftSettings: strict),
        // Pipelines: the trading sweep (built-in engine or the external trading API) and its market data.
        .target(
            name: "ZixlyPipelines",
            dependencies: [
                "ZixlyCore", "ZixlyQueue", "ZixlySweeps", "ZixlyDatasets", "SweepEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strict),
        // HTTP API: Hummingbird router, controllers, middleware.
        .target(
            name: "ZixlyAPI",
            dependencies: [
                "ZixlyCore", "ZixlyQueue", "ZixlySweeps", "ZixlyDatasets", "StandardWebhooks",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.embedInCode("Resources/openapi.yaml")],
            swiftSettings: strict),
        // The web dashboard: server-rendered pages (Mustache templates embedded in the binary),
        // SVG charts drawn on the server, a little dependency-free JavaScript.
        .target(
            name: "ZixlyDashboard",
            dependencies: [
                "ZixlyCore", "ZixlyQueue", "ZixlySweeps", "ZixlyDatasets", "ZixlyAPI", "SweepEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [
                .embedInCode("Templates/layout.mustache"), .embedInCode("Templates/charts.mustache"), .embedInCode("Templates/combination.mustache"),
                .embedInCode("Templates/error.mustache"),
                .embedInCode("Templates/login.mustache"),
                .embedInCode("Templates/jobs.mustache"), .embedInCode("Templates/job.mustache"),
                .embedInCode("Templates/trigger.mustache"), .embedInCode("Templates/settings.mustache"),
                .embedInCode("Templates/endpoint.mustache"), .embedInCode("Templates/account.mustache"),
                .embedInCode("Templates/datasets.mustache"), .embedInCode("Templates/dataset.mustache"),
            ],
            swiftSettings: strict),
        // Metrics exposition (swift-metrics onto a Prometheus registry of the process's own, plus
        // process metrics and build info) and trace export (swift-otel, OTLP/HTTP).
        .target(
            name: "ZixlyTelemetry",
            dependencies: [
                "ZixlyCore",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // Composition root: configuration, buildApplication, services by role.
        .target(
            name: "ZixlyApp",
            dependencies: [
                "ZixlyCore", "ZixlyQueue", "ZixlySweeps", "ZixlySQLite", "ZixlyPostgres", "ZixlyArtifacts", "ZixlyNotify", "ZixlyPipelines",
                "ZixlyDatasets", "ZixlyAPI",
                "ZixlyDashboard", "ZixlyTelemetry", "StandardWebhooks",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // The executable: thin ArgumentParser commands.
        .executableTarget(
            name: "zixly",
            dependencies: [
                "ZixlyApp", "SweepEngine", "StandardWebhooks", "ZixlyCore", "ZixlyDatasets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict),
        // Test support: temp stores, job factory, manual clock.
        .target(
            name: "ZixlyTesting",
            dependencies: ["ZixlyCore", "ZixlyQueue", "ZixlySweeps", "ZixlySQLite", "ZixlyPostgres"],
            path: "Tests/ZixlyTesting",
            swiftSettings: strict),
        .testTarget(name: "SweepEngineTests", dependencies: ["SweepEngine"], swiftSettings: strict),
        .testTarget(name: "StandardWebhooksTests", dependencies: ["StandardWebhooks"], swiftSettings: strict),
        .testTarget(name: "ZixlyCoreTests", dependencies: ["ZixlyCore"], swiftSettings: strict),
        .testTarget(
            name: "ZixlyDatasetsTests",
            dependencies: [
                "ZixlyDatasets", "ZixlyCore", "SweepEngine", "ZixlyTesting", "ZixlyArtifacts",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ZixlyArtifactsTests", dependencies: ["ZixlyArtifacts", "ZixlyCore", "ZixlyTesting"], exclude: ["Python"],
            swiftSettings: strict),
        .testTarget(
            name: "ZixlyNotifyTests", dependencies: ["ZixlyNotify", "ZixlyCore", "ZixlyQueue", "ZixlyTesting"], exclude: ["Python"],
            swiftSettings: strict),
        .testTarget(
            name: "JobStoreConformanceTests",
            dependencies: ["ZixlyCore", "ZixlyQueue", "ZixlySweeps", "ZixlyTesting", "SweepEngine"],
            swiftSettings: strict),
        .testTarget(
            name: "ZixlyQueueTests",
            dependencies: [
                "ZixlyCore", "ZixlyQueue", "ZixlyPostgres", "ZixlySQLite", "ZixlyTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ZixlyAPITests",
            dependencies: [
                "ZixlyApp", "ZixlyCore", "ZixlyQueue", "ZixlySweeps", "ZixlyDatasets", "ZixlyTesting", "StandardWebhooks", "ZixlyDashboard",
                "SweepEngine", "ZixlyPipelines",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ZixlyEndToEndTests",
            dependencies: [
                "StandardWebhooks", "ZixlyTesting", "ZixlyCore", "ZixlyArtifacts",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Interop", "Browser"],
            swiftSettings: strict),
    ]
)
