import Foundation
import Logging
import ZixlyCore

extension WorkerPool {
    /// Why a job's run ended.
    enum Outcome: Sendable {
        case finished(JSONValue)
        case threw(String, isRetryable: Bool)
        case cancelRequested
        case leaseLost
        case shutdownTimedOut
    }

    /// Runs one claimed job beside its heartbeat and the shutdown watch; the first to finish
    /// decides the outcome, the others are stopped.
    func execute(_ claimed: ClaimedJob, shutdown: Latch) async {
        let lease = claimed.lease
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(lease.jobID)"
        guard let handler = handlers[claimed.job.jobType] else {
            await record(.threw("no handler for job type '\(claimed.job.jobType)'", isRetryable: false), lease: lease, job: claimed.job, logger: logger)
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
                } catch {
                    return .threw(String(describing: error), isRetryable: true)
                }
            }
            group.addTask { await heartbeat(lease, control: control) }
            group.addTask {
                await shutdown.wait()
                if Task.isCancelled { return nil }
                try? await Task.sleep(for: configuration.gracePeriod)
                return Task.isCancelled ? nil : .shutdownTimedOut
            }
            var decided: Outcome?
            while decided == nil, let next = await group.next() {
                decided = next
            }
            control.requestStop()
            group.cancelAll()
            return decided ?? .shutdownTimedOut
        }
        await record(outcome, lease: lease, job: claimed.job, logger: logger)
    }

    /// Every `progressInterval`: writes new progress (renewing the lease), renews it anyway every
    /// third of the lease, and otherwise reads the job to see a cancel request. Returns nil when
    /// cancelled (the job ended first), or why the job must stop.
    private func heartbeat(_ lease: Lease, control: JobControl) async -> Outcome? {
        let renewEvery = configuration.leaseDuration / 3
        var lastRenewal = clock.now()
        var writtenVersion = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.progressInterval)
            if Task.isCancelled { return nil }
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
                let result = try await store.heartbeat(lease, progress: progress, leaseFor: configuration.leaseDuration, now: now)
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

    /// Writes the outcome under the lease.
    private func record(_ outcome: Outcome, lease: Lease, job: Job, logger: Logger) async {
        let now = clock.now()
        do {
            switch outcome {
            case .finished(let summary):
                if try await completions.complete(lease, summary: summary) {
                    logger.info("job completed")
                    onEvent(.completed(lease.jobID))
                } else {
                    await lostOrCancelled(lease, logger: logger)
                }
            case .threw(let message, let isRetryable):
                if let current = try await store.job(lease.jobID), current.state == .running, current.cancelRequested {
                    try await acknowledgeCancel(lease, logger: logger)
                    return
                }
                let retryAt = isRetryable
                    ? retryPolicy.retryAt(afterAttempt: lease.attempt, maxAttempts: job.maxAttempts, now: now) : nil
                if try await store.fail(lease, failure: JobFailure(message: message, isRetryable: isRetryable), retryAt: retryAt, now: now) {
                    logger.warning("job attempt failed", metadata: ["error": "\(message)", "attempt": "\(lease.attempt)", "will_retry": "\(retryAt != nil)"])
                    onEvent(.failed(lease.jobID, willRetry: retryAt != nil))
                } else {
                    await lostOrCancelled(lease, logger: logger)
                }
            case .cancelRequested:
                try await acknowledgeCancel(lease, logger: logger)
            case .leaseLost:
                logger.warning("lease lost; the job's result is discarded")
                onEvent(.leaseLost(lease.jobID))
            case .shutdownTimedOut:
                if try await store.release(lease, now: now) {
                    logger.info("job released at shutdown")
                    onEvent(.released(lease.jobID))
                }
            }
        } catch {
            logger.error("could not record the job's outcome; the rescuer will retry it after the lease", metadata: ["error": "\(error)"])
        }
    }

    /// Finishes a cancel-requested job as cancelled; if the lease is gone, says so.
    private func acknowledgeCancel(_ lease: Lease, logger: Logger) async throws {
        if try await store.acknowledgeCancel(lease, now: clock.now()) {
            logger.info("job cancelled")
            onEvent(.cancelled(lease.jobID))
        } else {
            logger.warning("lease lost before the job finished; the result is discarded")
            onEvent(.leaseLost(lease.jobID))
        }
    }

    /// A write under the lease matched nothing: the job was cancelled meanwhile, or taken away.
    private func lostOrCancelled(_ lease: Lease, logger: Logger) async {
        do {
            try await acknowledgeCancel(lease, logger: logger)
        } catch {
            logger.warning("lease lost before the job finished; the result is discarded", metadata: ["error": "\(error)"])
            onEvent(.leaseLost(lease.jobID))
        }
    }
}
