import Foundation
import Logging
import Tracing
import ZixlyCore

extension WorkerPool {
    /// Why a job's run ended.
    enum Outcome: Sendable {
        case finished(JSONValue)
        case threw(String, isRetryable: Bool)
        /// Run again after the delay; the progress the handler last reported is kept meanwhile.
        case snoozed(Duration, JobProgress?)
        case cancelRequested
        case leaseLost
        case shutdownTimedOut
    }

    /// When the claim that took a job was made, for its span.
    struct ClaimTiming: Sendable {
        var started: DefaultTracerClock.Instant
        var ended: DefaultTracerClock.Instant
    }

    /// Runs one claimed job in a span that continues the trace of the request that enqueued it
    /// (with the claim as its first child), and records the outcome. `handlerReturned` is called
    /// once, when the job's outcome is known and before it is written.
    func execute(
        _ claimed: ClaimedJob, claim: ClaimTiming, shutdown: Latch, handlerReturned: @Sendable () -> Void
    ) async {
        let job = claimed.job
        let context = TraceContext.context(traceParent: job.traceParent, tracer)
        await tracer.withSpan("job \(job.jobType)", context: context, ofKind: .consumer) { span in
            span.attributes["zixly.job_id"] = job.id.rawValue
            span.attributes["zixly.job_type"] = job.jobType
            span.attributes["zixly.attempt"] = claimed.lease.attempt
            tracer.startSpan("queue.claim", context: ServiceContext.current ?? context, ofKind: .internal, at: claim.started)
                .end(at: claim.ended)
            await run(claimed, shutdown: shutdown, span: span, handlerReturned: handlerReturned)
        }
    }

    /// Runs one claimed job beside its heartbeat (which also watches for the end of the grace
    /// period after shutdown); the first to finish decides the outcome, the other is stopped.
    private func run(_ claimed: ClaimedJob, shutdown: Latch, span: any Span, handlerReturned: @Sendable () -> Void) async {
        let lease = claimed.lease
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(lease.jobID)"
        logger[metadataKey: "tenant_id"] = "\(claimed.job.tenant)"
        let startedAt = claimed.job.startedAt ?? clock.now()
        guard let handler = handlers[claimed.job.jobType] else {
            let outcome = Outcome.threw("no handler for job type '\(claimed.job.jobType)'", isRetryable: false)
            handlerReturned()
            report(await record(outcome, lease: lease, job: claimed.job, logger: logger), job: claimed.job, startedAt: startedAt)
            return
        }
        logger.info("job started", metadata: ["attempt": "\(lease.attempt)", "worker": "\(lease.worker)"])
        let control = JobControl()
        let context = JobContext(lease: lease, control: control)
        let outcome = await withTaskGroup(of: Outcome?.self) { group -> Outcome in
            group.addTask {
                do {
                    return .finished(try await handler.run(claimed.job, context: context))
                } catch let failure as JobFailure {
                    return .threw(failure.message, isRetryable: failure.isRetryable)
                } catch let snooze as JobSnoozed {
                    return .snoozed(snooze.delay, control.latestProgress.0)
                } catch {
                    return .threw(String(describing: error), isRetryable: true)
                }
            }
            group.addTask { await heartbeat(lease, control: control, shutdown: shutdown) }
            var decided: Outcome?
            while decided == nil, let next = await group.next() {
                decided = next
            }
            control.requestStop()
            group.cancelAll()
            return decided ?? .shutdownTimedOut
        }
        handlerReturned()
        let event = await record(outcome, lease: lease, job: claimed.job, logger: logger)
        if let end = event?.attemptEnd {
            span.attributes["zixly.outcome"] = end.rawValue
            if [.failed, .rejected, .retried, .leaseLost].contains(end) { span.setStatus(SpanStatus(code: .error, message: end.rawValue)) }
        }
        report(event, job: claimed.job, startedAt: startedAt)
    }

    /// At every beat of `heartbeats` (each `progressInterval`): once `gracePeriod` has passed
    /// since this job first saw `shutdown`, stops the job; otherwise writes new progress (renewing
    /// the lease), renews it anyway every third of the lease, or reads the job to see a cancel
    /// request. One task per job does all of it (a task per concern cost more than a no-op job).
    /// Returns nil when cancelled (the job ended first), or why the job must stop.
    private func heartbeat(_ lease: Lease, control: JobControl, shutdown: Latch) async -> Outcome? {
        let renewEvery = configuration.leaseDuration.inSeconds / 3
        var lastRenewal = clock.now()
        var writtenVersion = 0
        var shutdownSeen: ContinuousClock.Instant?
        while !Task.isCancelled {
            await heartbeats.next()
            if Task.isCancelled { return nil }
            if shutdown.isTriggered {
                let seen = shutdownSeen ?? .now
                shutdownSeen = seen
                if ContinuousClock.now - seen >= configuration.gracePeriod { return .shutdownTimedOut }
            }
            let now = clock.now()
            let (progress, version) = control.latestProgress
            do {
                guard version != writtenVersion || now.timeIntervalSince(lastRenewal) >= renewEvery else {
                    // Nothing to write: a read is enough to see a cancel request within a tick.
                    if let job = try await store.job(lease.jobID), job.state == .running, job.cancelRequested {
                        return .cancelRequested
                    }
                    continue
                }
                let result = try await store.heartbeat(lease, progress: progress, leaseFor: configuration.leaseDuration.inSeconds, now: now)
                lastRenewal = now
                writtenVersion = version
                switch result {
                case .renewed(cancelRequested: true): return .cancelRequested
                case .renewed: continue
                case .leaseLost: return .leaseLost
                }
            } catch {
                logger.warning("heartbeat failed", metadata: ["job_id": "\(lease.jobID)", "error": "\(error)"])
            }
        }
        return nil
    }

    /// Writes the outcome under the lease; returns what happened (nil if nothing could be written).
    private func record(_ outcome: Outcome, lease: Lease, job: Job, logger: Logger) async -> Event? {
        let now = clock.now()
        do {
            switch outcome {
            case .finished(let summary):
                guard try await completions.submit(Completion(lease: lease, summary: summary)) else {
                    return await lostOrCancelled(lease, logger: logger)
                }
                logger.info("job completed")
                return .completed(lease.jobID)
            case .threw(let message, let isRetryable):
                if let current = try await store.job(lease.jobID), current.state == .running, current.cancelRequested {
                    return try await acknowledgeCancel(lease, logger: logger)
                }
                let policy = handlers[job.jobType]?.retryPolicy ?? retryPolicy
                let retryAt = isRetryable ? policy.retryAt(afterAttempt: lease.attempt, maxAttempts: job.maxAttempts, now: now) : nil
                guard try await store.fail(lease, failure: JobFailure(message: message, isRetryable: isRetryable), retryAt: retryAt, now: now) else {
                    return await lostOrCancelled(lease, logger: logger)
                }
                logger.warning(
                    "job attempt failed", metadata: ["error": "\(message)", "attempt": "\(lease.attempt)", "will_retry": "\(retryAt != nil)"])
                return isRetryable ? .failed(lease.jobID, willRetry: retryAt != nil) : .rejected(lease.jobID)
            case .snoozed(let delay, let progress):
                // A short run ends before its heartbeat would write its progress: written here.
                if let progress {
                    _ = try await store.heartbeat(lease, progress: progress, leaseFor: configuration.leaseDuration.inSeconds, now: now)
                }
                guard try await store.release(lease, runAt: now.addingTimeInterval(delay.inSeconds), now: now) else {
                    return await lostOrCancelled(lease, logger: logger)
                }
                if try await store.job(lease.jobID)?.state == .cancelled {
                    logger.info("job cancelled")
                    return .cancelled(lease.jobID)
                }
                return .released(lease.jobID)
            case .cancelRequested:
                return try await acknowledgeCancel(lease, logger: logger)
            case .leaseLost:
                logger.warning("lease lost; the job's result is discarded")
                return .leaseLost(lease.jobID)
            case .shutdownTimedOut:
                guard try await store.release(lease, now: now) else { return nil }
                logger.info("job released at shutdown")
                return .released(lease.jobID)
            }
        } catch {
            logger.error("could not record the job's outcome; the rescuer will retry it after the lease", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Finishes a cancel-requested job as cancelled; if the lease is gone, says so.
    private func acknowledgeCancel(_ lease: Lease, logger: Logger) async throws -> Event {
        if try await store.acknowledgeCancel(lease, now: clock.now()) {
            logger.info("job cancelled")
            return .cancelled(lease.jobID)
        }
        logger.warning("lease lost before the job finished; the result is discarded")
        return .leaseLost(lease.jobID)
    }

    /// A write under the lease matched nothing: the job was cancelled meanwhile, or taken away.
    private func lostOrCancelled(_ lease: Lease, logger: Logger) async -> Event {
        do {
            return try await acknowledgeCancel(lease, logger: logger)
        } catch {
            logger.warning("lease lost before the job finished; the result is discarded", metadata: ["error": "\(error)"])
            return .leaseLost(lease.jobID)
        }
    }

    /// Tells the observer, and counts the attempt's end in the metrics.
    private func report(_ event: Event?, job: Job, startedAt: Date) {
        guard let event else { return }
        onEvent(event)
        if let end = event.attemptEnd { metrics.ended(job, end, startedAt: startedAt, now: clock.now()) }
    }
}

extension WorkerPool.Event {
    /// How the attempt ended, for metrics and spans; nil for events that do not end one.
    var attemptEnd: QueueMetrics.AttemptEnd? {
        switch self {
        case .completed: .completed
        case .failed(_, let willRetry): willRetry ? .retried : .failed
        case .rejected: .rejected
        case .cancelled: .cancelled
        case .leaseLost: .leaseLost
        case .claimed, .released: nil
        }
    }
}
