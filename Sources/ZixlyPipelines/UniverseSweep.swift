import Foundation
import SweepEngine
public import ZixlyCore
public import ZixlyQueue
public import ZixlySweeps

/// The parent job of a sweep of many tickers. Its first run queues one child `trading-sweep` per
/// ticker on the ordinary queue, so every worker process takes its share; each later run counts
/// the children and snoozes (giving its slot back) until all have finished. Then it fails if
/// more tickers failed than its `max_failed_tickers` allows, or ranks the grid across the tickers
/// (`UniverseAggregate`, stored at `results/{jobId}/aggregate.json`) and completes.
///
/// A child is an ordinary job: a killed worker's child runs again elsewhere after its lease, and a
/// finished child is never run again. A parent that runs again (after its own worker died) queues
/// only the children it lacks.
public struct UniverseSweep: Sendable {
    let jobs: any JobStore
    let results: any SweepResultStore
    let artifacts: any ArtifactStore
    let clock: any WallClock
    /// How long the parent waits between counts of its children.
    let pollInterval: Duration

    public init(
        jobs: any JobStore, results: any SweepResultStore, artifacts: any ArtifactStore, clock: any WallClock = SystemWallClock(),
        pollInterval: Duration = .seconds(1)
    ) {
        self.jobs = jobs
        self.results = results
        self.artifacts = artifacts
        self.clock = clock
        self.pollInterval = pollInterval
    }

    func run(_ job: Job, _ parameters: TradingSweepParameters, universe: TickerUniverse, context: JobContext) async throws -> JSONValue {
        var children = try await jobs.children(of: job.id)
        if children.count < universe.tickers.count {
            children = try await queueChildren(of: job, parameters, universe: universe, context: context)
        }
        let finished = children.filter(\.state.isFinal)
        let unsuccessful = finished.filter { $0.state != .completed }
        if unsuccessful.count > universe.maxFailedTickers {
            try await cancelUnfinished(children)
            let listed = unsuccessful.prefix(10).map { "\($0.label) (\($0.state.rawValue))" }.joined(separator: ", ")
            throw JobFailure(
                message:
                    "\(unsuccessful.count) of \(children.count) tickers did not complete, more than max_failed_tickers (\(universe.maxFailedTickers)): \(listed)\(unsuccessful.count > 10 ? ", …" : "")",
                isRetryable: false)
        }
        guard finished.count == children.count else {
            context.report(
                JobProgress(percent: finished.count * 99 / max(1, children.count), message: "\(finished.count)/\(children.count) tickers finished"))
            throw JobSnoozed(for: pollInterval)
        }
        context.report(JobProgress(percent: 99, message: "ranking the grid across \(children.count) tickers"))
        return try await aggregate(job, parameters, children: children, context: context)
    }

    /// Queues the children the parent lacks; if the parent was cancelled meanwhile, cancels them all.
    private func queueChildren(of job: Job, _ parameters: TradingSweepParameters, universe: TickerUniverse, context: JobContext) async throws
        -> [ChildJob]
    {
        let children = universe.tickers.map { ticker in
            LabelledJob(
                label: ticker,
                job: NewJob(
                    tenant: job.tenant, jobType: job.jobType, parameters: parameters.child(ticker: ticker).json, priority: job.priority,
                    maxAttempts: job.maxAttempts, traceParent: job.traceParent, queue: job.queue))
        }
        _ = try await jobs.enqueueChildren(children, of: job.id, now: clock.now())
        let queued = try await jobs.children(of: job.id)
        if try await jobs.job(job.id)?.cancelRequested == true {
            try await cancelUnfinished(queued)
            throw JobStopped()
        }
        return queued
    }

    private func cancelUnfinished(_ children: [ChildJob]) async throws {
        for child in children where !child.state.isFinal {
            _ = try await jobs.cancel(child.id, now: clock.now())
        }
    }

    /// Ranks the grid over the completed tickers, stores the ranking and returns the summary.
    /// Each completed child's summary and cells are read four at a time, and added in ticker order.
    private func aggregate(_ job: Job, _ parameters: TradingSweepParameters, children: [ChildJob], context: JobContext) async throws -> JSONValue {
        var builder = UniverseAggregate.Builder()
        var tickers: [JSONValue] = []
        var combinations = 0
        for start in stride(from: 0, to: children.count, by: Self.readsAtOnce) {
            try context.checkpoint()
            // Decoding rows runs on the executor the heartbeat shares: let it renew the lease.
            await Task.yield()
            let batch = children[start..<min(children.count, start + Self.readsAtOnce)]
            let outcomes = try await withThrowingTaskGroup(of: (Int, JSONValue?, [GridRow]).self) { group in
                for (index, child) in zip(batch.indices, batch) where child.state == .completed {
                    group.addTask {
                        async let summary = jobs.job(child.id)?.resultSummary
                        async let rows = results.grid(for: child.id, metrics: UniverseAggregate.Builder.metrics)
                        return (index, try await summary, try await rows)
                    }
                }
                var outcomes: [Int: (JSONValue?, [GridRow])] = [:]
                for try await (index, summary, rows) in group { outcomes[index] = (summary, rows) }
                return outcomes
            }
            for index in batch.indices {
                let child = children[index]
                var entry: [String: JSONValue] = [
                    "ticker": .string(child.label), "job_id": .string(child.id.rawValue), "state": .string(child.state.rawValue),
                ]
                if let (summary, rows) = outcomes[index], let summary {
                    let buyAndHold = summary["buy_and_hold_return_pct"]?.doubleValue ?? .nan
                    builder.add(rows, buyAndHoldReturnPct: buyAndHold)
                    combinations = max(combinations, summary["total_combinations"]?.intValue ?? 0)
                    entry["buy_and_hold_return_pct"] = .number(buyAndHold)
                    entry["best"] = summary["best"] ?? .null
                    entry["dataset"] = summary["dataset"] ?? .null
                    entry["execution_time_seconds"] = summary["execution_time_seconds"] ?? .null
                }
                tickers.append(.object(entry))
            }
        }
        let ranking = builder.build()
        let key = UniverseAggregate.artifactKey(jobID: job.id)
        let artifact: JSONValue = [
            "job_id": .string(job.id.rawValue), "strategy": .string(parameters.strategy.rawValue.uppercased()),
            "tickers": .array(tickers), "rows": .array(ranking.rows.map(\.json)),
        ]
        try await artifacts.put(Data(artifact.jsonText().utf8), at: key, contentType: "application/json")
        let failed = children.filter { $0.state != .completed }
        return [
            "strategy": .string(parameters.strategy.rawValue.uppercased()),
            "tickers": .number(Double(children.count)),
            "completed_tickers": .number(Double(ranking.tickers)),
            "unfinished_tickers": .array(failed.map { ["ticker": .string($0.label), "state": .string($0.state.rawValue)] }),
            "total_combinations": .number(Double(combinations)),
            "best": ranking.rows.first?.json ?? .null,
            "aggregate_key": .string(key),
        ]
    }

    /// Children whose results the ranking reads at once (each read is two queries).
    static let readsAtOnce = 4
}
