import Foundation
import Synchronization
import ZixlyCore

/// Whether the server was lost, and when it was last probed: a circuit breaker in front of the
/// pool, whose own reconnects make a caller wait up to a minute while the server is down.
final class Availability: Sendable {
    private struct State {
        var lost: StoreUnavailable?
        var lastProbe = ContinuousClock.Instant.now
    }
    private let state = Mutex(State())
    /// At most one probe per interval; callers in between fail at once.
    let probeInterval: Duration = .seconds(1)

    func markLost(_ reason: StoreUnavailable) {
        state.withLock { $0.lost = reason }
    }

    /// Returns at once while the server is believed reachable. Otherwise probes it (or, if a probe
    /// ran less than a second ago, throws at once): a successful probe closes the circuit.
    func checkBeforeUse(probe: @Sendable () async throws -> Void) async throws {
        let lost: StoreUnavailable? = state.withLock { state in
            guard let lost = state.lost else { return nil }
            if ContinuousClock.now - state.lastProbe < probeInterval { return lost }
            state.lastProbe = .now
            return nil
        }
        if let lost { throw lost }
        guard state.withLock({ $0.lost != nil }) else { return }
        do {
            try await probe()
            state.withLock { $0.lost = nil }
        } catch {
            let reason = (error as? StoreUnavailable) ?? StoreUnavailable(reason: "\(error)")
            state.withLock { $0.lost = reason }
            throw reason
        }
    }
}
