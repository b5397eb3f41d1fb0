import NIOCore
import NIOPosix

extension AppConfiguration.Executor {
    /// Makes NIO's event loops run Swift concurrency's tasks when `.nio`, so that a task awaiting
    /// a database reply or a request body resumes on the loop that received it instead of
    /// waking a thread of Swift's pool (a worker spent about a third less CPU per job). Call once,
    /// before the process starts any task; returns whether the loops took over. Work that blocks
    /// a thread for long (sweeps, market data files) runs on Dispatch's threads either way.
    ///
    /// NIO finds the runtime's hook with `dlsym`. A binary linked with the static Swift standard
    /// library (the container image) keeps that symbol local, so there it returns false and tasks
    /// stay on Swift's pool. (A task executor preference on the loops, the public alternative,
    /// measured no faster than Swift's pool: each job pays a closure and a hop.)
    public func install() -> Bool {
        guard self == .nio else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
