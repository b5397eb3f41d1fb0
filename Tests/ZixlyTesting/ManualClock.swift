public import Foundation
import Synchronization
public import ZixlyCore

/// A wall clock that moves only when a test moves it.
public final class ManualClock: WallClock {
    private let instant: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        instant = Mutex(start)
    }

    public func now() -> Date { instant.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        instant.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
