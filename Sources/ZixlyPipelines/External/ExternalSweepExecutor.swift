import Foundation
import SweepEngine
public import ZixlyCore
import ZixlyQueue

/// Runs a trading sweep on the external trading API instead of the built-in engine: submit,
/// poll its status (reporting its progress, honouring cancel), fetch the best combination.
/// The job's summary holds that best combination (the API gives no per-combination rows);
/// the API's answers are kept at `results/{jobId}/external-{remoteJobID}.json`.
public struct ExternalSweepExecutor: Sendable {
    let api: any TradingAPI
    let artifacts: any ArtifactStore
    let pollInterval: Duration

    public init(api: any TradingAPI, artifacts: any ArtifactStore, pollInterval: Duration = .seconds(2)) {
        self.api = api
        self.artifacts = artifacts
        self.pollInterval = pollInterval
    }

    func run(_ job: Job, parameters: TradingSweepParameters, context: JobContext) async throws -> JSONValue {
        let remoteID = try await mapped { try await api.submit(parameters, reference: job.id) }
        context.report(JobProgress(percent: 0, message: "submitted to the trading API as \(remoteID)"))
        while true {
            try context.checkpoint()
            let status = try await mapped { try await api.status(of: remoteID) }
            switch status.state {
            case .completed:
                let best = try await mapped { try await api.best(of: remoteID) }
                let summary: JSONValue = [
                    "executor": "external", "remote_job_id": .string(remoteID), "ticker": .string(parameters.ticker),
                    "strategy": .string(parameters.strategy.rawValue.uppercased()), "best": best,
                ]
                let key = "results/\(job.id.rawValue)/external-\(remoteID).json"
                try await artifacts.put(
                    JSONValue.object(["parameters": parameters.json, "summary": summary]).jsonData(), at: key,
                    contentType: "application/json")
                return summary.merging(["artifact_key": .string(key)])
            case .failed:
                throw JobFailure(message: "the trading API failed the sweep: \(status.error ?? "no reason given")", isRetryable: false)
            case .queued, .running:
                context.report(JobProgress(percent: min(98, status.progress ?? 0), message: "trading API: \(status.state.rawValue)"))
                try await Task.sleep(for: pollInterval)
            }
        }
    }

    /// The API's errors as job failures: outages retry, refusals do not.
    private func mapped<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as TradingAPIError {
            throw JobFailure(message: error.description, isRetryable: error.isRetryable)
        }
    }
}
