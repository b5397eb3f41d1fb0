/// Which parts a serving process runs (DESIGN §1).
public enum ServerRole: String, Sendable {
    /// API + webhooks + worker + maintenance in one process (`zixly up`).
    case all
    /// API + webhooks (`zixly api`).
    case api
    /// Worker + rescuer + pruner, with `/health`, `/ready`, `/metrics` only (`zixly worker`).
    case worker

    var servesAPI: Bool { self != .worker }
    var runsWorker: Bool { self != .api }
}
