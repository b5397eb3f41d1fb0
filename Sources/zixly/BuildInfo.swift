import Foundation

enum BuildInfo {
    /// The git commit, from `ZIXLY_COMMIT` at build or run time ("unknown" when not set).
    static var commit: String {
        ProcessInfo.processInfo.environment["ZIXLY_COMMIT"] ?? "unknown"
    }
}
