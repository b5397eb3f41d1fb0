public import Foundation
import GRDB
public import ZixlyCore

/// Outbound webhook endpoints, the job-event outbox and deliveries in the embedded database. The
/// database makes events, deliveries and their `webhook.deliver` jobs (migration 0009's triggers).
public struct SQLiteWebhookStore: WebhookStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func createEndpoint(_ endpoint: WebhookEndpoint) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_endpoints (id, tenant, url, events, secret, description, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    endpoint.id, endpoint.tenant, endpoint.url, endpoint.eventsText, endpoint.secret, endpoint.description,
                    endpoint.createdAt.unix,
                ])
        }
    }

    public func endpoints(tenant: String) async throws -> [WebhookEndpoint] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_endpoints WHERE tenant = ? AND deleted_at IS NULL ORDER BY created_at, id
                    """, arguments: [tenant]
            ).map(WebhookEndpoint.init(row:))
        }
    }

    public func endpoint(id: String, tenant: String) async throws -> WebhookEndpoint? {
        try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM webhook_endpoints WHERE id = ? AND tenant = ? AND deleted_at IS NULL
                    """, arguments: [id, tenant]
            ).map(WebhookEndpoint.init(row:))
        }
    }

    public func deleteEndpoint(id: String, tenant: String, now: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND tenant = ? AND deleted_at IS NULL
                    """, arguments: [now.unix, id, tenant])
            return db.changesCount == 1
        }
    }

    public func dueDelivery(id: String) async throws -> DueDelivery? {
        try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT d.*, ev.job_id AS event_job_id, ev.occurred_at AS event_occurred_at,
                           e.url AS endpoint_url, e.secret AS endpoint_secret, e.deleted_at AS endpoint_deleted_at
                    FROM webhook_deliveries d
                    JOIN job_events ev ON ev.id = d.event_id
                    JOIN webhook_endpoints e ON e.id = d.endpoint_id
                    WHERE d.id = ?
                    """, arguments: [id]
            ).flatMap(DueDelivery.init(row:))
        }
    }

    public func settlePayload(_ payload: String, deliveryID: String) async throws -> String {
        try await database.write { db in
            try db.execute(sql: "UPDATE webhook_deliveries SET payload = ? WHERE id = ? AND payload = ''", arguments: [payload, deliveryID])
            return try String.fetchOne(db, sql: "SELECT payload FROM webhook_deliveries WHERE id = ?", arguments: [deliveryID]) ?? payload
        }
    }

    public func record(_ attempt: WebhookDeliveryAttempt, deliveryID: String, outcome: WebhookDeliveryOutcome, now: Date) async throws {
        let (status, nextAttemptAt) = outcome.stored
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_delivery_attempts (delivery_id, number, attempted_at, duration_seconds, status_code, error, response_body)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    deliveryID, attempt.number, attempt.attemptedAt.unix, attempt.durationSeconds, attempt.statusCode,
                    attempt.error, attempt.responseBody,
                ])
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries
                    SET attempts = ?, status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    attempt.number, status.rawValue, nextAttemptAt?.unix, attempt.statusCode, attempt.error, now.unix, deliveryID,
                ])
        }
    }

    public func deliveries(endpointID: String, tenant: String, limit: Int, offset: Int) async throws -> [WebhookDelivery] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND tenant = ?
                    ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?
                    """, arguments: [endpointID, tenant, limit, offset]
            ).compactMap(WebhookDelivery.init(row:))
        }
    }

    public func delivery(id: String, tenant: String) async throws -> (delivery: WebhookDelivery, attempts: [WebhookDeliveryAttempt])? {
        try await database.read { db in
            guard
                let delivery = try Row.fetchOne(db, sql: "SELECT * FROM webhook_deliveries WHERE id = ? AND tenant = ?", arguments: [id, tenant])
                    .flatMap(WebhookDelivery.init(row:))
            else { return nil }
            let attempts = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_delivery_attempts WHERE delivery_id = ? ORDER BY number
                    """, arguments: [id]
            ).map(WebhookDeliveryAttempt.init(row:))
            return (delivery, attempts)
        }
    }

    public func replay(deliveryID: String, tenant: String, now: Date) async throws -> WebhookDelivery? {
        let id = WebhookIDs.delivery()
        return try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_deliveries (id, event_id, endpoint_id, tenant, event_type, payload, status, attempts,
                                                    next_attempt_at, created_at, updated_at, replay_of)
                    SELECT ?, d.event_id, d.endpoint_id, d.tenant, d.event_type, d.payload, 'pending', 0, ?, ?, ?, d.id
                    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                    WHERE d.id = ? AND d.tenant = ? AND e.deleted_at IS NULL
                    """, arguments: [id, now.unix, now.unix, now.unix, deliveryID, tenant])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM webhook_deliveries WHERE id = ?", arguments: [id]).flatMap(WebhookDelivery.init(row:))
        }
    }
}

extension WebhookEndpoint {
    init(row: Row) {
        self.init(
            id: row["id"], tenant: row["tenant"], url: row["url"], events: Self.events(fromText: row["events"]),
            secret: row["secret"], description: row["description"], createdAt: Date(unix: row["created_at"]),
            deletedAt: (row["deleted_at"] as Double?).map(Date.init(unix:)))
    }
}

extension WebhookDelivery {
    init?(row: Row) {
        guard let type = WebhookEventType(rawValue: row["event_type"]), let status = WebhookDeliveryStatus(rawValue: row["status"]) else {
            return nil
        }
        self.init(
            id: row["id"], eventID: row["event_id"], endpointID: row["endpoint_id"], tenant: row["tenant"], eventType: type,
            payload: row["payload"], status: status, attempts: row["attempts"],
            nextAttemptAt: (row["next_attempt_at"] as Double?).map(Date.init(unix:)), lastStatusCode: row["last_status_code"],
            lastError: row["last_error"], createdAt: Date(unix: row["created_at"]), updatedAt: Date(unix: row["updated_at"]),
            replayOf: row["replay_of"])
    }
}

extension DueDelivery {
    init?(row: Row) {
        guard let delivery = WebhookDelivery(row: row) else { return nil }
        let event = JobEvent(
            id: delivery.eventID, jobID: JobID(rawValue: row["event_job_id"]), tenant: delivery.tenant, type: delivery.eventType,
            occurredAt: Date(unix: row["event_occurred_at"]))
        self.init(
            delivery: delivery, event: event, url: row["endpoint_url"], secret: row["endpoint_secret"],
            endpointDeleted: (row["endpoint_deleted_at"] as Double?) != nil)
    }
}

extension WebhookDeliveryAttempt {
    init(row: Row) {
        self.init(
            number: row["number"], attemptedAt: Date(unix: row["attempted_at"]), durationSeconds: row["duration_seconds"],
            statusCode: row["status_code"], error: row["error"], responseBody: row["response_body"])
    }
}
