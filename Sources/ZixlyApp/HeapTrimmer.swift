import Foundation
public import Logging
public import ServiceLifecycle
import ZixlyQueue

#if canImport(Glibc)
    import Glibc
#endif

/// Gives freed heap memory back to the system every `interval`. glibc keeps what a large sweep or
/// a large read freed in its arenas for reuse: after a 124,750-combination sweep a process kept
/// 150 MB of anonymous memory it no longer used, and one more such sweep grew it to 196 MB;
/// `malloc_trim(0)` took it back to 13 MB (docs/benchmarks.md). A trim of an idle heap costs
/// well under a millisecond, so this runs in every role.
public struct HeapTrimmer: Service {
    /// Default 10 s.
    public var interval: Duration = .seconds(10)
    let logger: Logger

    public init(interval: Duration = .seconds(10), logger: Logger) {
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try await PeriodicService("heap trimmer", every: interval, logger: logger) { Self.trim() }.run()
    }

    /// glibc's `malloc_trim`, found at run time (Swift's Glibc module does not import malloc.h);
    /// nil on a C library without it.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
            return nil
        #endif
    }()

    /// Returns the free pages of every arena to the system.
    public static func trim() {
        _ = mallocTrim?(0)
    }
}
