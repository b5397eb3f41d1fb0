import Foundation
import ZixlyAPI
import ZixlyCore
import ZixlyQueue

/// A job as the pages show it: short id, what it runs and found (its type's synopsis), status,
/// progress, attempts, times, and the buttons the viewer's role allows.
struct JobView {
    let values: [String: Any]

    init(_ job: Job, synopsis: JobSynopsis, principal: Principal, now: Date) {
        let live = !job.state.isFinal
        let progress = job.state == .completed ? 100 : (job.progress?.percent ?? 0)
        let end = job.finishedAt ?? (job.state == .running ? now : nil)
        values = [
            "id": job.id.rawValue,
            "shortID": String(job.id.rawValue.prefix(8)),
            "jobType": job.jobType,
            "status": job.state.rawValue,
            "live": live,
            "progress": progress,
            "progressMessage": job.progress?.message ?? "",
            "attempts": job.attempt,
            "maxAttempts": job.maxAttempts,
            "created": Self.time(job.createdAt),
            "duration": job.startedAt.flatMap { start in end.map { Self.duration($0.timeIntervalSince(start)) } } ?? "—",
            "error": job.errorMessage ?? false,
            // Why a job failed for good, for the top of its page.
            "failure": job.state == .failed ? (job.errorMessage ?? "no error was recorded") : false,
            "what": synopsis.what,
            "outcome": synopsis.outcome ?? false,
            "shortError": job.errorMessage.map { Self.firstLine($0, limit: 120) } ?? false,
            "canCancel": principal.role >= .editor && live,
            "canRetry": principal.role >= .editor && (job.state == .failed || job.state == .cancelled),
        ]
    }

    /// The first line of `text`, cut to `limit` characters with an ellipsis.
    static func firstLine(_ text: String, limit: Int) -> String {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }

    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let minutes = Int(seconds) / 60
        return minutes < 60 ? "\(minutes) min \(Int(seconds) % 60) s" : "\(minutes / 60) h \(minutes % 60) min"
    }
}
