/// Tells people or systems that a job reached a final outcome. Implementations log their own
/// failures and never throw: a failed notification never fails the job.
public protocol Notifier: Sendable {
    /// Called once when a job completes, and once when it fails for good (dead-lettered).
    func jobFinished(_ job: Job) async
}

/// Several notifiers as one.
public struct NotifierGroup: Notifier {
    public let notifiers: [any Notifier]
    public init(_ notifiers: [any Notifier]) { self.notifiers = notifiers }
    public func jobFinished(_ job: Job) async {
        for notifier in notifiers { await notifier.jobFinished(job) }
    }
}
