import Foundation
import ZixlyCore

/// What happened to a job, oldest first: queued, each attempt (started, and how it failed), and
/// how it ended or when it runs again. Failed attempts come from the job's `attemptErrors`.
enum JobTimeline {
    struct Entry: Equatable {
        enum Kind: String { case info, failure, success }
        var kind: Kind
        var text: String
        /// A second line: the error of a failed attempt.
        var detail: String?

        var values: [String: Any] { ["kind": kind.rawValue, "text": text, "detail": detail ?? false] }
    }

    static func entries(_ job: Job) -> [Entry] {
        var entries = [Entry(kind: .info, text: "Queued \(JobView.time(job.createdAt))")]
        for failure in job.attemptErrors {
            if let started = failure.startedAt {
                entries.append(Entry(kind: .info, text: "Attempt \(failure.attempt) started \(JobView.time(started))\(on(failure.worker))"))
            }
            let took = failure.startedAt.map { " after \(JobView.duration(failure.at.timeIntervalSince($0)))" } ?? ""
            entries.append(
                Entry(kind: .failure, text: "Attempt \(failure.attempt) failed \(JobView.time(failure.at))\(took)", detail: failure.message))
        }
        // The current attempt is in the history once it has failed (its start is on that entry);
        // comparing start times missed it when the store's clock precision differed.
        let latestIsRecorded = job.state != .running && job.attemptErrors.last?.attempt == job.attempt
        if let started = job.startedAt, job.attempt > 0, !latestIsRecorded {
            entries.append(
                Entry(kind: .info, text: "Attempt \(job.attempt) of \(job.maxAttempts) started \(JobView.time(started))\(on(job.leaseOwner))"))
        }
        switch job.state {
        case .completed:
            entries.append(Entry(kind: .success, text: "Completed \(JobView.time(job.finishedAt ?? job.runAt))"))
        case .failed:
            entries.append(
                Entry(
                    kind: .failure,
                    text: "Failed for good \(JobView.time(job.finishedAt ?? job.runAt)) after \(job.attempt) of \(job.maxAttempts) attempts"))
        case .cancelled:
            entries.append(Entry(kind: .info, text: "Cancelled \(JobView.time(job.finishedAt ?? job.runAt))"))
        case .queued where job.attempt > 0:
            entries.append(Entry(kind: .info, text: "Waiting to retry from \(JobView.time(job.runAt))"))
        case .queued, .running:
            break
        }
        return entries
    }

    private static func on(_ worker: WorkerID?) -> String { worker.map { " on \($0.rawValue)" } ?? "" }
}
