import Foundation
import GRDB
import PostgresNIO
import Testing
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

@testable import ZixlyPostgres
@testable import ZixlySQLite

/// The upgrade to deliveries as jobs (SQLite 0009, PostgreSQL 0010) carries over what the old
/// delivery service had not finished: a pending delivery gets its job, and an event not yet
/// fanned out gets its deliveries and their jobs. Nothing waiting is lost by upgrading.
@Suite("Upgrading to deliveries as jobs")
struct DeliveryMigrationTests {
    /// The rows the previous version left: an endpoint, a finished job, an event fanned out with a
    /// pending delivery, an event not yet fanned out, and a delivery already sent.
    static let before = [
        """
        INSERT INTO webhook_endpoints (id, tenant, url, events, secret, description, created_at)
        VALUES ('ep_1', 'default', 'https://example.test/hook', 'job.completed,job.failed', 'whsec_x', '', %NOW%)
        """,
        """
        INSERT INTO jobs (id, tenant, job_type, state, parameters, priority, attempt, max_attempts, run_at, created_at, finished_at)
        VALUES ('00000000-0000-4000-8000-000000000001', 'default', 'test', 'completed', '{}', 0, 1, 3, %NOW%, %NOW%, %NOW%)
        """,
        """
        INSERT INTO job_events (id, job_id, tenant, event_type, occurred_at, dispatched_at) VALUES
            ('msg_sent', '00000000-0000-4000-8000-000000000001', 'default', 'job.completed', %NOW%, %NOW%),
            ('msg_fanned', '00000000-0000-4000-8000-000000000001', 'default', 'job.completed', %NOW%, %NOW%),
            ('msg_waiting', '00000000-0000-4000-8000-000000000001', 'default', 'job.completed', %NOW%, NULL)
        """,
        """
        INSERT INTO webhook_deliveries (id, event_id, endpoint_id, tenant, event_type, payload, status, attempts,
                                        next_attempt_at, created_at, updated_at) VALUES
            ('dlv_sent', 'msg_sent', 'ep_1', 'default', 'job.completed', '{}', 'succeeded', 1, NULL, %NOW%, %NOW%),
            ('dlv_pending', 'msg_fanned', 'ep_1', 'default', 'job.completed', '{"a":1}', 'pending', 2, %NOW%, %NOW%, %NOW%)
        """,
    ]

    /// What the upgrade must leave: one delivery job for the pending delivery and one for the
    /// event's new delivery; none for the one already sent.
    static func check(_ store: any JobStore, _ webhooks: any WebhookStore) async throws {
        let claimed = try await store.claim(queue: "webhooks", worker: WorkerID("w"), limit: 10, leaseFor: 60, now: Date().addingTimeInterval(1))
        #expect(claimed.allSatisfy { $0.job.jobType == "webhook.deliver" && $0.job.maxAttempts >= 7 })
        var due: [DueDelivery] = []
        for job in claimed {
            let id = try #require(job.job.parameters["delivery_id"]?.stringValue)
            due.append(try #require(try await webhooks.dueDelivery(id: id)))
        }
        #expect(Set(due.map(\.event.id)) == ["msg_fanned", "msg_waiting"], "\(due.map(\.delivery.id))")
        #expect(due.first { $0.event.id == "msg_fanned" }?.delivery.payload == #"{"a":1}"#)
        #expect(due.first { $0.event.id == "msg_waiting" }?.delivery.payload == "", "built at its first attempt")
        #expect(try await store.claim(worker: WorkerID("w"), limit: 10, leaseFor: 60, now: Date().addingTimeInterval(1)).isEmpty)
    }

    @Test("SQLite: pending deliveries and events not fanned out become delivery jobs")
    func sqlite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zixly-migration-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("zixly.sqlite").path)
        try database.migrate(upTo: "0008_result_statistics_and_sort_indexes")
        let now = Date().timeIntervalSince1970
        try await database.write { db in
            for statement in Self.before { try db.execute(sql: statement.replacingOccurrences(of: "%NOW%", with: "\(now)")) }
        }
        try database.migrate()
        try await Self.check(SQLiteJobStore(database: database), SQLiteWebhookStore(database: database))
    }

    @Test("PostgreSQL: pending deliveries and events not fanned out become delivery jobs")
    func postgres() async throws {
        let database = try await PostgresTestServer.freshDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            try await database.migrate(upTo: "0009_result_statistics_and_sort_indexes")
            for statement in Self.before {
                try await database.client.query(
                    PostgresQuery(unsafeSQL: statement.replacingOccurrences(of: "%NOW%", with: "now()")), logger: database.logger)
            }
            try await database.migrate()
            try await Self.check(PostgresJobStore(database: database), PostgresWebhookStore(database: database))
            group.cancelAll()
        }
    }
}
