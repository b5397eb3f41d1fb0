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
        for event in job.attemptErrors {
            if event.kind == .retried {
                entries.append(Entry(kind: .info, text: "Queued again by an operator \(JobView.time(event.at)); attempts count from 1"))
                continue
            }
            if let started = event.startedAt {
                entries.append(Entry(kind: .info, text: "Attempt \(event.attempt) started \(JobView.time(started))\(on(event.worker))"))
            }
            let took = event.startedAt.map { " after \(JobView.duration(event.at.timeIntervalSince($0)))" } ?? ""
            if event.kind == .cancelled {
                entries.append(Entry(kind: .info, text: "Attempt \(event.attempt) cancelled \(JobView.time(event.at))\(took)"))
            } else {
                entries.append(
                    Entry(kind: .failure, text: "Attempt \(event.attempt) failed \(JobView.time(event.at))\(took)", detail: event.message))
            }
        }
        // The current attempt is in the history once it has failed (its start is on that entry);
        // comparing start times missed it when the store's clock precision differed.
        let latestIsRecorded =
            job.state != .running && job.attemptErrors.last.map { $0.kind != .retried && $0.attempt == job.attempt } == true
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
