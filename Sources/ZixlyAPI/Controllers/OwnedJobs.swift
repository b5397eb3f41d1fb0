import Hummingbird
import ZixlyCore
import ZixlyQueue

/// The caller's jobs: what every `/api/pipelines/{id}…` route looks up first.
struct OwnedJobs: Sendable {
    let queue: JobQueue

    /// The job of the `{id}` path parameter, if it exists and belongs to the caller's tenant and
    /// the caller has `role` (401/403 otherwise; 404 for another tenant's job or none).
    func job(_ context: AppRequestContext, role: Role) async throws -> Job {
        let principal = try context.require(role)
        let id = try context.parameters.jobID()
        guard let job = try await queue.job(id), job.tenant == principal.tenant else { throw APIError.notFound("job") }
        return job
    }
}
