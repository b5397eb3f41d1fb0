public import Tracing
import ZixlyCore

/// A job carries the W3C `traceparent` of the span that enqueued it, so the worker's spans join
/// the webhook's trace.
public enum TraceContext {
    /// The current span's context as a `traceparent` value; nil when the tracer propagates nothing.
    public static func traceParent(_ tracer: any Tracer) -> String? {
        var carrier: [String: String] = [:]
        tracer.inject(ServiceContext.current ?? .topLevel, into: &carrier, using: DictionaryInjector())
        return carrier["traceparent"]
    }

    /// The context a `traceparent` (and optional `tracestate`) continues; top-level when absent or invalid.
    public static func context(traceParent: String?, traceState: String? = nil, _ tracer: any Tracer) -> ServiceContext {
        var context = ServiceContext.topLevel
        guard let traceParent else { return context }
        var carrier = ["traceparent": traceParent]
        if let traceState { carrier["tracestate"] = traceState }
        tracer.extract(carrier, into: &context, using: DictionaryExtractor())
        return context
    }

    struct DictionaryInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
            carrier[key] = value
        }
    }

    struct DictionaryExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? {
            carrier[key]
        }
    }
}
