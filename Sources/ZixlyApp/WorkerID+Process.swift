import Foundation
import ZixlyCore

extension WorkerID {
    /// `host:pid:random`, unique per process start.
    static func forThisProcess() -> WorkerID {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return WorkerID("\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(suffix)")
    }
}
