public import Foundation

/// What an outbound webhook can be subscribed to: a job reaching a final state.
public enum WebhookEventType: String, Sendable, Codable, CaseIterable, Comparable {
    case jobCompleted = "job.completed"
    case jobFailed = "job.failed"
    case jobCancelled = "job.cancelled"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The final state whose transition this event announces (the database trigger names the
    /// event `job.` + that state).
    public var finalState: JobState {
        switch self {
        case .jobCompleted: .completed
        case .jobFailed: .failed
        case .jobCancelled: .cancelled
        }
    }
}

/// A URL subscribed to events of one tenant's jobs. Deliveries to it are signed with `secret`
/// (Standard Webhooks, `whsec_…`).
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var url: String
    public var events: Set<WebhookEventType>
    public var secret: String
    public var description: String
    public var createdAt: Date
    /// Set when deleted: no new deliveries, pending ones give up.
    public var deletedAt: Date?

    public init(
        id: String, tenant: String, url: String, events: Set<WebhookEventType>, secret: String, description: String,
        createdAt: Date, deletedAt: Date? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.url = url
        self.events = events
        self.secret = secret
        self.description = description
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }

    /// The events as stored: sorted, comma-separated.
    public var eventsText: String { events.sorted().map(\.rawValue).joined(separator: ",") }

    public static func events(fromText text: String) -> Set<WebhookEventType> {
        Set(text.split(separator: ",").compactMap { WebhookEventType(rawValue: String($0)) })
    }
}

/// A job's final transition, written by the database in the same transaction as the state
/// change (a trigger), with a delivery to each subscribed endpoint and a `webhook.deliver` job
/// per delivery, so no event is lost with a crashed process: the outbox.
public struct JobEvent: Sendable, Equatable {
    /// `msg_…`: the Standard Webhooks `webhook-id` of every delivery of this event.
    public var id: String
    public var jobID: JobID
    public var tenant: String
    public var type: WebhookEventType
    public var occurredAt: Date

    public init(id: String, jobID: JobID, tenant: String, type: WebhookEventType, occurredAt: Date) {
        self.id = id
        self.jobID = jobID
        self.tenant = tenant
        self.type = type
        self.occurredAt = occurredAt
    }
}

public enum WebhookDeliveryStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its next attempt (`nextAttemptAt`).
    case pending
    /// An attempt got a 2xx.
    case succeeded
    /// Every attempt failed, or the endpoint was deleted.
    case failed
}

/// One event on its way to one endpoint.
public struct WebhookDelivery: Sendable, Equatable {
    /// `dlv_…`.
    public var id: String
    public var eventID: String
    public var endpointID: String
    public var tenant: String
    public var eventType: WebhookEventType
    /// The exact bytes every attempt sends (and signs); empty until the first attempt builds it.
    public var payload: String
    public var status: WebhookDeliveryStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastStatusCode: Int?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The delivery this one replays, if it is a replay.
    public var replayOf: String?

    public init(
        id: String, eventID: String, endpointID: String, tenant: String, eventType: WebhookEventType, payload: String,
        status: WebhookDeliveryStatus, attempts: Int, nextAttemptAt: Date?, lastStatusCode: Int? = nil, lastError: String? = nil,
        createdAt: Date, updatedAt: Date, replayOf: String? = nil
    ) {
        self.id = id
        self.eventID = eventID
        self.endpointID = endpointID
        self.tenant = tenant
        self.eventType = eventType
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.replayOf = replayOf
    }
}

/// What one HTTP attempt of a delivery got.
public struct WebhookDeliveryAttempt: Sendable, Equatable {
    /// 1, 2, … within the delivery.
    public var number: Int
    public var attemptedAt: Date
    public var durationSeconds: Double
    /// The response status; nil when there was no response (refused, timed out).
    public var statusCode: Int?
    /// Why it failed, when it did.
    public var error: String?
    /// The start of the response body (at most 1 KiB).
    public var responseBody: String?

    public init(
        number: Int, attemptedAt: Date, durationSeconds: Double, statusCode: Int?, error: String?, responseBody: String?
    ) {
        self.number = number
        self.attemptedAt = attemptedAt
        self.durationSeconds = durationSeconds
        self.statusCode = statusCode
        self.error = error
        self.responseBody = responseBody
    }

    public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

/// A delivery handed to its job, with its event and where and how to send it.
public struct DueDelivery: Sendable, Equatable {
    public var delivery: WebhookDelivery
    public var event: JobEvent
    public var url: String
    public var secret: String
    /// The endpoint was deleted after the delivery was made: give up without sending.
    public var endpointDeleted: Bool

    public init(delivery: WebhookDelivery, event: JobEvent, url: String, secret: String, endpointDeleted: Bool) {
        self.delivery = delivery
        self.event = event
        self.url = url
        self.secret = secret
        self.endpointDeleted = endpointDeleted
    }
}

/// After an attempt: done, or try again at a time.
public enum WebhookDeliveryOutcome: Sendable, Equatable {
    case succeeded
    case retry(at: Date)
    case failed
}

extension WebhookDeliveryOutcome {
    /// The delivery's status and next attempt time after this outcome.
    public var stored: (status: WebhookDeliveryStatus, nextAttemptAt: Date?) {
        switch self {
        case .succeeded: (.succeeded, nil)
        case .retry(let at): (.pending, at)
        case .failed: (.failed, nil)
        }
    }
}

/// Prefixed random identifiers, as Svix and Stripe show them: the prefix says what it names.
public enum WebhookIDs {
    public static func endpoint() -> String { "ep_" + random() }
    public static func delivery() -> String { "dlv_" + random() }
    static func random() -> String { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
}
