import Foundation
import Logging
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@Suite("Maintenance services and retry policy")
struct MaintenanceServiceTests {
    @Test("JobRescuer.runOnce rescues every expired job across batches")
    func rescuer() async throws {
        let stores = try await TestStores.make(.sqlite)
        let clock = ManualClock()
        let factory = JobFactory(store: stores.jobs, clock: clock)
        for _ in 0..<7 { _ = try await factory.running(leaseFor: 5) }
        var configuration = JobRescuer.Configuration()
        configuration.batchSize = 3
        let rescuer = JobRescuer(store: stores.jobs, configuration: configuration, clock: clock, logger: Logger(label: "test"))
        #expect(try await rescuer.runOnce().isEmpty)
        clock.advance(by: 6)
        #expect(try await rescuer.runOnce().requeued.count == 7)
        #expect(try await stores.jobs.countByState()[.running] == 0)
    }

    @Test("JobPruner.runOnce deletes finished jobs past retention")
    func pruner() async throws {
        let stores = try await TestStores.make(.sqlite)
        let clock = ManualClock()
        let factory = JobFactory(store: stores.jobs, clock: clock)
        let done = try await factory.running()
        _ = try await stores.jobs.complete(done.lease, summary: [:], now: clock.now())
        var configuration = JobPruner.Configuration()
        configuration.retention = .seconds(3600)
        let pruner = JobPruner(store: stores.jobs, configuration: configuration, clock: clock, logger: Logger(label: "test"))
        #expect(try await pruner.runOnce() == 0)
        clock.advance(by: 3601)
        #expect(try await pruner.runOnce() == 1)
    }

    @Test("backoff doubles from the base, is capped, and jitter only shortens it")
    func backoff() {
        let policy = RetryPolicy(base: .seconds(2), maxDelay: .seconds(10), jitter: 0.5)
        #expect(policy.delay(afterAttempt: 1, unit: 0) == .seconds(2))
        #expect(policy.delay(afterAttempt: 2, unit: 0) == .seconds(4))
        #expect(policy.delay(afterAttempt: 5, unit: 0) == .seconds(10))
        #expect(policy.delay(afterAttempt: 2, unit: 0.999) > .seconds(2) && policy.delay(afterAttempt: 2, unit: 0.999) < .seconds(4))
        let now = Date()
        #expect(policy.retryAt(afterAttempt: 3, maxAttempts: 3, now: now) == nil)
        #expect(policy.retryAt(afterAttempt: 1, maxAttempts: 3, now: now)! > now)
    }

    @Test("a schedule gives its delays in turn and ends after its last")
    func schedule() {
        let policy = RetryPolicy(schedule: [.seconds(5), .seconds(300)])
        let now = Date()
        #expect(policy.retryAt(afterAttempt: 1, maxAttempts: 50, now: now) == now.addingTimeInterval(5))
        #expect(policy.retryAt(afterAttempt: 2, maxAttempts: 50, now: now) == now.addingTimeInterval(300))
        #expect(policy.retryAt(afterAttempt: 3, maxAttempts: 50, now: now) == nil, "no attempt after the schedule's last delay")
        #expect(policy.retryAt(afterAttempt: 1, maxAttempts: 1, now: now) == nil, "nor after the job's last attempt")
    }
}
