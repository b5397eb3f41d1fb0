import Foundation
import Hummingbird
import ServiceLifecycle
import ZixlyCore
import ZixlyQueue

/// Server-Sent Events for following jobs without reloading: one job's status, or a page of the
/// job listing. Each stream reads the store on an interval and sends an event only when what it
/// shows changed, with a comment line now and then so proxies keep it open. A stream ends when
/// the server shuts down gracefully, so an open dashboard never holds up a deploy.
struct JobStreamController {
    let queue: JobQueue
    /// How often a stream looks at the store.
    static let pollInterval: Duration = .milliseconds(250)
    /// How often the listing stream looks (a list query costs more than a row).
    static let listPollInterval: Duration = .seconds(1)
    /// A comment line is sent this often so proxies keep the stream open.
    static let keepAliveInterval: Duration = .seconds(15)
    /// A listing stream ends after this long; `EventSource` reconnects by itself.
    static let listLifetime: Duration = .seconds(600)

    /// Under `/api/pipelines`.
    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("events", use: listEvents)
        routes.get(":id/events", use: events)
        return routes
    }

    /// A `status` event whenever the job's status or progress changes, ending after the final status.
    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await OwnedJobs(queue: queue).job(context, role: .viewer)
        return Self.stream(event: "status", every: Self.pollInterval, lifetime: nil) {
            guard let current = try await queue.job(job.id) else { return nil }
            return (current.json, current.state.isFinal)
        }
    }

    /// A `jobs` event with the page `GET /api/pipelines` would answer (same query), whenever a
    /// job on it changes or a job joins or leaves it.
    @Sendable func listEvents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.viewer)
        let (filter, page) = try PipelineController.listing(request, tenant: principal.tenant)
        return Self.stream(event: "jobs", every: Self.listPollInterval, lifetime: Self.listLifetime) {
            let found = try await queue.jobs(matching: filter, page: page)
            let json: JSONValue = ["jobs": .array(found.items.map(\.json)), "total_jobs": .number(Double(found.total))]
            return (json, false)
        }
    }

    /// Polls `read` (nil ends the stream; `isLast` sends and ends), writing `event` when its JSON changed.
    static func stream(
        event: String, every interval: Duration, lifetime: Duration?,
        read: @escaping @Sendable () async throws -> (json: JSONValue, isLast: Bool)?
    ) -> Response {
        let body = ResponseBody { writer in
            var last: JSONValue?
            var sinceKeepAlive: Duration = .zero
            var elapsed: Duration = .zero
            while !Task.isCancelled, !Task.isShuttingDownGracefully, lifetime.map({ elapsed < $0 }) ?? true {
                guard let (json, isLast) = try await read() else { break }
                if json != last {
                    try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(json.jsonText())\n\n"))
                    last = json
                    sinceKeepAlive = .zero
                }
                if isLast { break }
                try await Task.sleep(for: interval)
                sinceKeepAlive += interval
                elapsed += interval
                if sinceKeepAlive >= keepAliveInterval {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    sinceKeepAlive = .zero
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
