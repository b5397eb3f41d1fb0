public import ZixlyCore

/// One kind of job the platform runs: what a request for it may say, what runs it, and how its
/// result is shown. The API, the webhook route and the dashboard know job types only through this.
public protocol JobType: Sendable {
    /// The `job_type` name, e.g. `trading-sweep`.
    var name: String { get }
    /// Whether the API, webhooks and the dashboard may queue it; false for the platform's own
    /// jobs (`noop` for benchmarks), which it queues itself.
    var acceptsRequests: Bool { get }
    /// How the API and the dashboard show a finished job's results.
    var presentation: ResultPresentation { get }
    /// What runs it on a worker.
    var handler: any JobHandler { get }
    /// A request body, checked and normalized into the parameters stored with the job.
    /// - Throws: `ValidationErrors` naming each bad field (a 400); a store's error when what it
    ///   checks against cannot be read (`StoreUnavailable`: a 503, to try again).
    func accept(_ body: JSONValue, tenant: String) async throws -> AcceptedJob
    /// A job of this type in a few words, for lists: what it runs and what it found.
    func synopsis(of job: Job) -> JobSynopsis
}

extension JobType {
    public var acceptsRequests: Bool { true }
    public var presentation: ResultPresentation { .summary }
    public func synopsis(of job: Job) -> JobSynopsis { JobSynopsis(what: name) }
}

/// A job in a few words, as the jobs lists show it (dashboard, `zixly jobs list`, the API's
/// `synopsis`): "GOOG · SMA · 28 combinations", "best 10/40, Sharpe 1.07".
public struct JobSynopsis: Sendable, Equatable {
    /// What runs.
    public var what: String
    /// What a finished job found; nil before it finishes, or when its type has nothing to say.
    public var outcome: String?

    public init(what: String, outcome: String? = nil) {
        self.what = what
        self.outcome = outcome
    }

    public var json: JSONValue { ["what": .string(what), "outcome": outcome.map(JSONValue.string) ?? .null] }
}

/// A request a job type accepted: what to store, and one line saying what will run.
public struct AcceptedJob: Sendable, Equatable {
    /// The normalized parameters stored with the job (and compared on an idempotent replay).
    public var parameters: JSONValue
    /// What will run, in a few words: "90 combinations of SMA on GOOG".
    public var description: String

    public init(parameters: JSONValue, description: String) {
        self.parameters = parameters
        self.description = description
    }
}

/// How a job type's results are shown.
public enum ResultPresentation: String, Sendable, Equatable {
    /// The result summary as it is.
    case summary
    /// Ranked sweep rows: statistics, a heatmap, the sortable table and the best equity curve.
    case sweep
}

/// Every job type a process knows, by name.
public struct JobTypeRegistry: Sendable {
    private let types: [String: any JobType]

    /// - Precondition: names are unique.
    public init(_ types: [any JobType]) {
        self.types = Dictionary(
            types.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in preconditionFailure("job type \(first.name) registered twice") })
    }

    public subscript(name: String) -> (any JobType)? { types[name] }

    /// Every name, sorted.
    public var names: [String] { types.keys.sorted() }

    /// A job in a few words, by its type (its type's name when this process does not know it).
    public func synopsis(of job: Job) -> JobSynopsis { types[job.jobType]?.synopsis(of: job) ?? JobSynopsis(what: job.jobType) }

    /// The names a request may ask for, sorted (for error messages).
    public var requestable: [String] { types.values.filter(\.acceptsRequests).map(\.name).sorted() }

    /// What the worker pool runs.
    public var handlers: [any JobHandler] { types.keys.sorted().compactMap { types[$0]?.handler } }

    /// The type a request may queue by `name`, or a message saying which names are known.
    public func requestableType(_ name: String) -> Result<any JobType, UnknownJobType> {
        guard let type = types[name], type.acceptsRequests else { return .failure(UnknownJobType(name: name, known: requestable)) }
        return .success(type)
    }
}

/// A request named a job type this server does not accept.
public struct UnknownJobType: Error, Equatable, CustomStringConvertible {
    public var name: String
    public var known: [String]
    public var description: String { "unknown job type '\(name)'; known: \(known.joined(separator: ", "))" }
}
