public import Foundation
import Logging
import PostgresNIO
public import ZixlyCore

/// Outbound webhook endpoints, the job-event outbox and deliveries in PostgreSQL. The database
/// makes events, deliveries and their `webhook.deliver` jobs (migration 0010's triggers).
public struct PostgresWebhookStore: WebhookStore {
    let database: PostgresDatabase
    var client: PostgresClient { database.client }
    var logger: Logger { database.logger }

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func createEndpoint(_ endpoint: WebhookEndpoint) async throws {
        _ = try await database.run {
            try await client.query(
                """
                INSERT INTO webhook_endpoints (id, tenant, url, events, secret, description, created_at)
                VALUES (\(endpoint.id), \(endpoint.tenant), \(endpoint.url), \(endpoint.eventsText), \(endpoint.secret),
                        \(endpoint.description), \(endpoint.createdAt))
                """, logger: logger)
        }
    }

    public func endpoints(tenant: String) async throws -> [WebhookEndpoint] {
        try await database.run {
            try await client.query(
                """
                SELECT * FROM webhook_endpoints WHERE tenant = \(tenant) AND deleted_at IS NULL ORDER BY created_at, id
                """, logger: logger
            ).collect(WebhookEndpoint.init(row:))
        }
    }

    public func endpoint(id: String, tenant: String) async throws -> WebhookEndpoint? {
        try await database.run {
            try await client.query(
                """
                SELECT * FROM webhook_endpoints WHERE id = \(id) AND tenant = \(tenant) AND deleted_at IS NULL
                """, logger: logger
            ).collect(WebhookEndpoint.init(row:)).first
        }
    }

    public func deleteEndpoint(id: String, tenant: String, now: Date) async throws -> Bool {
        try await database.run {
            try await !client.query(
                """
                UPDATE webhook_endpoints SET deleted_at = \(now) WHERE id = \(id) AND tenant = \(tenant) AND deleted_at IS NULL
                RETURNING 1
                """, logger: logger
            ).collect { _ in () }.isEmpty
        }
    }

    public func dueDelivery(id: String) async throws -> DueDelivery? {
        try await database.run {
            try await client.query(
                """
                SELECT d.*, ev.job_id AS event_job_id, ev.occurred_at AS event_occurred_at,
                       e.url AS endpoint_url, e.secret AS endpoint_secret, e.deleted_at AS endpoint_deleted_at
                FROM webhook_deliveries d
                JOIN job_events ev ON ev.id = d.event_id
                JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.id = \(id)
                """, logger: logger
            ).collect(DueDelivery.init(row:)).first ?? nil
        }
    }

    public func settlePayload(_ payload: String, deliveryID: String) async throws -> String {
        try await database.run {
            let rows = try await client.query(
                """
                WITH settled AS (
                    UPDATE webhook_deliveries SET payload = \(payload) WHERE id = \(deliveryID) AND payload = '' RETURNING payload)
                SELECT payload FROM settled UNION ALL SELECT payload FROM webhook_deliveries WHERE id = \(deliveryID) AND payload <> ''
                """, logger: logger)
            for try await stored in rows.decode(String.self) { return stored }
            return payload
        }
    }

    public func record(_ attempt: WebhookDeliveryAttempt, deliveryID: String, outcome: WebhookDeliveryOutcome, now: Date) async throws {
        let (status, nextAttemptAt) = outcome.stored
        try await database.run {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO webhook_delivery_attempts (delivery_id, number, attempted_at, duration_seconds, status_code, error, response_body)
                    VALUES (\(deliveryID), \(attempt.number), \(attempt.attemptedAt), \(attempt.durationSeconds), \(attempt.statusCode),
                            \(attempt.error), \(attempt.responseBody))
                    """, logger: logger)
                try await connection.query(
                    """
                    UPDATE webhook_deliveries
                    SET attempts = \(attempt.number), status = \(status.rawValue), next_attempt_at = \(nextAttemptAt),
                        last_status_code = \(attempt.statusCode), last_error = \(attempt.error), updated_at = \(now)
                    WHERE id = \(deliveryID)
                    """, logger: logger)
            }
        }
    }

    public func deliveries(endpointID: String, tenant: String, limit: Int, offset: Int) async throws -> [WebhookDelivery] {
        try await database.run {
            try await client.query(
                """
                SELECT * FROM webhook_deliveries WHERE endpoint_id = \(endpointID) AND tenant = \(tenant)
                ORDER BY created_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)
                """, logger: logger
            ).collect(WebhookDelivery.init(row:)).compactMap { $0 }
        }
    }

    public func delivery(id: String, tenant: String) async throws -> (delivery: WebhookDelivery, attempts: [WebhookDeliveryAttempt])? {
        try await database.run {
            guard
                let delivery = try await client.query(
                    """
                    SELECT * FROM webhook_deliveries WHERE id = \(id) AND tenant = \(tenant)
                    """, logger: logger
                ).collect(WebhookDelivery.init(row:)).first ?? nil
            else { return nil }
            let attempts = try await client.query(
                """
                SELECT * FROM webhook_delivery_attempts WHERE delivery_id = \(id) ORDER BY number
                """, logger: logger
            ).collect(WebhookDeliveryAttempt.init(row:))
            return (delivery, attempts)
        }
    }

    public func replay(deliveryID: String, tenant: String, now: Date) async throws -> WebhookDelivery? {
        let id = WebhookIDs.delivery()
        return try await database.run {
            try await client.query(
                """
                INSERT INTO webhook_deliveries (id, event_id, endpoint_id, tenant, event_type, payload, status, attempts,
                                                next_attempt_at, created_at, updated_at, replay_of)
                SELECT \(id), d.event_id, d.endpoint_id, d.tenant, d.event_type, d.payload, 'pending', 0, \(now), \(now), \(now), d.id
                FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.id = \(deliveryID) AND d.tenant = \(tenant) AND e.deleted_at IS NULL
                RETURNING *
                """, logger: logger
            ).collect(WebhookDelivery.init(row:)).first ?? nil
        }
    }
}

extension PostgresRowSequence {
    /// Every row, read by `transform`.
    func collect<T>(_ transform: (PostgresRow) throws -> T) async throws -> [T] {
        var values: [T] = []
        for try await row in self { values.append(try transform(row)) }
        return values
    }
}

extension WebhookEndpoint {
    init(row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        self.init(
            id: try row["id"].decode(String.self), tenant: try row["tenant"].decode(String.self), url: try row["url"].decode(String.self),
            events: Self.events(fromText: try row["events"].decode(String.self)), secret: try row["secret"].decode(String.self),
            description: try row["description"].decode(String.self), createdAt: try row["created_at"].decode(Date.self),
            deletedAt: try row["deleted_at"].decode(Date?.self))
    }
}

extension WebhookDelivery {
    init?(row: PostgresRow) throws {
        try self.init(randomAccess: row.makeRandomAccess())
    }

    init?(randomAccess row: PostgresRandomAccessRow) throws {
        guard let type = WebhookEventType(rawValue: try row["event_type"].decode(String.self)),
            let status = WebhookDeliveryStatus(rawValue: try row["status"].decode(String.self))
        else { return nil }
        self.init(
            id: try row["id"].decode(String.self), eventID: try row["event_id"].decode(String.self),
            endpointID: try row["endpoint_id"].decode(String.self), tenant: try row["tenant"].decode(String.self), eventType: type,
            payload: try row["payload"].decode(String.self), status: status, attempts: try row["attempts"].decode(Int.self),
            nextAttemptAt: try row["next_attempt_at"].decode(Date?.self), lastStatusCode: try row["last_status_code"].decode(Int?.self),
            lastError: try row["last_error"].decode(String?.self), createdAt: try row["created_at"].decode(Date.self),
            updatedAt: try row["updated_at"].decode(Date.self), replayOf: try row["replay_of"].decode(String?.self))
    }
}

extension DueDelivery {
    init?(row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        guard let delivery = try WebhookDelivery(randomAccess: row) else { return nil }
        let event = JobEvent(
            id: delivery.eventID, jobID: JobID(rawValue: try row["event_job_id"].decode(String.self)), tenant: delivery.tenant,
            type: delivery.eventType, occurredAt: try row["event_occurred_at"].decode(Date.self))
        self.init(
            delivery: delivery, event: event, url: try row["endpoint_url"].decode(String.self),
            secret: try row["endpoint_secret"].decode(String.self),
            endpointDeleted: try row["endpoint_deleted_at"].decode(Date?.self) != nil)
    }
}

extension WebhookDeliveryAttempt {
    init(row: PostgresRow) throws {
        let row = row.makeRandomAccess()
        self.init(
            number: try row["number"].decode(Int.self), attemptedAt: try row["attempted_at"].decode(Date.self),
            durationSeconds: try row["duration_seconds"].decode(Double.self), statusCode: try row["status_code"].decode(Int?.self),
            error: try row["error"].decode(String?.self), responseBody: try row["response_body"].decode(String?.self))
    }
}
