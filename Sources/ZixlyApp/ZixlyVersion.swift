import Foundation

public enum ZixlyVersion {
    public static let current = "0.1.0"
    /// The git commit, from `ZIXLY_COMMIT` (set by the container build) or "unknown".
    public static var commit: String { ProcessInfo.processInfo.environment["ZIXLY_COMMIT"] ?? "unknown" }
}
