import Foundation
import ZixlyAPI
import ZixlyCore

/// A job as the pages show it: short id, status, progress, attempts, times, and the buttons the
/// viewer's role allows.
struct JobView {
    let values: [String: Any]

    init(_ job: Job, principal: Principal, now: Date) {
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
            "canCancel": principal.role >= .editor && live,
            "canRetry": principal.role >= .editor && (job.state == .failed || job.state == .cancelled),
        ]
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
