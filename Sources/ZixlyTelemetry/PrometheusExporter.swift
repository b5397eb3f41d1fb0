public import Metrics
import Prometheus
import ZixlyCore

/// One process's metrics: a Prometheus registry of its own behind a swift-metrics factory that is
/// handed to every component (no global bootstrap), exposed in Prometheus' text format together
/// with the process's own figures and build info.
public final class PrometheusExporter: Sendable {
    /// What components record through.
    public let factory: any MetricsFactory
    private let registry: PrometheusCollectorRegistry

    public init(version: String, commit: String) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.requestBuckets
        factory.durationHistogramBuckets = [
            MetricNames.httpRequestDuration: Self.requestBuckets,
            MetricNames.jobDuration: Self.jobBuckets,
            MetricNames.jobQueueWait: Self.jobBuckets,
            MetricNames.sweepDuration: Self.jobBuckets,
        ]
        self.factory = factory
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: MetricNames.buildInfo, unitName: "", helpText: "The running binary's version and commit; always 1."),
            labels: [("version", version), ("commit", commit)]
        ).set(to: 1.0)
    }

    /// The text a Prometheus scrape gets.
    public func exposition() -> String {
        registry.emitToString() + ProcessMetrics.read().exposition()
    }

    /// HTTP requests: 1 ms to 10 s.
    static let requestBuckets: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000].map { .milliseconds($0) }
    /// Jobs and waits: 5 ms to 1 h.
    static let jobBuckets: [Duration] =
        [5, 10, 25, 50, 100, 250, 500].map { .milliseconds($0) } + [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600].map { .seconds($0) }
}
