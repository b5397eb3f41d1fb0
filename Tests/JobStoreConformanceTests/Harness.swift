import Foundation
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

/// One fresh store, its clock and factory, for one test.
struct Harness {
    let stores: TestStores
    let clock = ManualClock()
    var store: any JobStore { stores.jobs }
    var factory: JobFactory { JobFactory(store: store, clock: clock) }

    init(_ kind: StoreKind) async throws {
        stores = try await TestStores.make(kind)
    }

    static let worker = WorkerID("worker-a")
    static let otherWorker = WorkerID("worker-b")
    /// No jitter, so rescue and retry times are exact.
    static let exactRetry = RetryPolicy(base: .seconds(2), maxDelay: .seconds(600), jitter: 0)
}
