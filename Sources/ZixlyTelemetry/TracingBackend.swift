public import Logging
import OTel
public import ServiceLifecycle
public import Tracing

/// Where spans go: OTLP over HTTP when `ZIXLY_OTLP_ENDPOINT` is set (with the service that batches
/// and exports them), else nowhere. The tracer is handed to components; nothing is bootstrapped
/// globally.
public struct TracingBackend: Sendable {
    public let tracer: any Tracer
    /// Must run (in the service group) for spans to be exported; nil when tracing is off.
    public let service: (any Service)?

    public static let disabled = TracingBackend(tracer: NoOpTracer(), service: nil)

    init(tracer: any Tracer, service: (any Service)?) {
        self.tracer = tracer
        self.service = service
    }

    public enum Encoding: String, Sendable {
        case protobuf, json
    }

    /// Exports to `endpoint` (the collector's base URL; `/v1/traces` is appended) as `serviceName`,
    /// in batches at most `exportDelay` apart. The standard `OTEL_*` variables still apply.
    public static func otlp(
        endpoint: String, encoding: Encoding = .protobuf, serviceName: String, exportDelay: Duration = .seconds(5), logger: Logger
    ) throws -> TracingBackend {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        configuration.traces.otlpExporter.endpoint = endpoint.hasSuffix("/") ? endpoint + "v1/traces" : endpoint + "/v1/traces"
        configuration.traces.otlpExporter.protocol = encoding == .json ? .httpJSON : .httpProtobuf
        configuration.traces.batchSpanProcessor.scheduleDelay = exportDelay
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        return TracingBackend(tracer: backend.factory, service: backend.service)
    }

    /// Adds `trace_id` and `span_id` of the current span to every log line.
    public static var logMetadata: Logger.MetadataProvider { OTel.makeLoggingMetadataProvider() }
}
