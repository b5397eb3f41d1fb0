import Foundation
import Hummingbird
public import Logging
import Metrics
import ServiceLifecycle
import StandardWebhooks
import Tracing
import ZixlyAPI
import ZixlyCore
import ZixlyDashboard
import ZixlyNotify
import ZixlyPipelines
import ZixlyQueue
public import ZixlyTelemetry

extension ApplicationBuilder {
    /// OTLP export when the configuration names a collector, as `zixly-<role>` (`zixly` for `up`).
    public static func makeTracing(_ configuration: AppConfiguration, role: ServerRole, logger: Logger) throws -> TracingBackend {
        guard let endpoint = configuration.otlpEndpoint else { return .disabled }
        let name = role == .all ? "zixly" : "zixly-\(role.rawValue)"
        return try TracingBackend.otlp(endpoint: endpoint, encoding: configuration.otlpEncoding, serviceName: name, logger: logger)
    }

    /// The notifiers the configuration asks for (email now), or nil.
    func notifier(logger: Logger) -> (any Notifier)? {
        guard let email = configuration.email else { return nil }
        let startTLS: SMTPClient.StartTLS =
            switch email.startTLS {
            case "required": .required
            case "never": .never
            default: .whenOffered
            }
        let client = SMTPClient(
            configuration: .init(
                host: email.host, port: email.port, username: email.username, password: email.password, startTLS: startTLS,
                trustedCertificatesFile: email.trustedCertificatesFile))
        return EmailNotifier(client: client, from: email.from, recipients: email.recipients, logger: logger)
    }

    /// Runs the `webhooks` queue: the deliveries the database makes when a job ends, in any process.
    func webhookDeliveryWorker(pool: WorkerPool.Configuration, wakeups: WorkSignal, metrics: any MetricsFactory, logger: Logger)
        -> WebhookDeliveryWorker
    {
        var delivery = WebhookDeliveryWorker.Configuration()
        if let schedule = configuration.webhookRetrySchedule { delivery.retrySchedule = schedule }
        delivery.requestTimeout = configuration.webhookTimeout
        delivery.pool = pool
        let (userAgent, policy) = ("Zixly-Webhooks/\(version)", configuration.outboundPolicy)
        return WebhookDeliveryWorker(
            jobs: stores.jobs, webhooks: stores.webhooks,
            makeSender: { HTTPWebhookSender(timeout: $0, userAgent: userAgent, policy: policy) }, configuration: delivery,
            clock: clock, worker: WorkerID.forThisProcess(), wakeups: wakeups, logger: logger, metrics: metrics, tracer: tracing.tracer)
    }

    /// Passes worker events to the test hook and sends email for final outcomes in the
    /// background, so a slow or dead relay never holds a worker or fails a job. (A job's end does
    /// not wake the webhook pool here: it cannot tell whether deliveries were made, and waking it
    /// at every job's end made it claim from its empty queue as fast as jobs ended, which cost a
    /// no-op drain a quarter of its rate. PostgreSQL wakes it from the trigger that queues a
    /// delivery; on SQLite it looks within its poll interval.)
    func workerEvents(logger: Logger) -> @Sendable (WorkerPool.Event) -> Void {
        let hook = onWorkerEvent
        let notifier = notifier(logger: logger)
        let store = stores.jobs
        let tracer = tracing.tracer
        return { event in
            hook(event)
            let finished: JobID? =
                switch event {
                case .completed(let id), .failed(let id, willRetry: false), .rejected(let id), .cancelled(let id): id
                default: nil
                }
            guard let finished else { return }
            guard let notifier else { return }
            if case .cancelled = event { return }
            Task {  // inherits the job's span context: the email's span joins the job's trace
                guard let job = try? await store.job(finished) else { return }
                await tracer.withSpan("notify.email", ofKind: .client) { span in
                    span.attributes["zixly.job_id"] = job.id.rawValue
                    await notifier.jobFinished(job)
                }
            }
        }
    }
}
