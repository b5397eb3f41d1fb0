import Foundation
import SweepEngine
import ZixlyCore
import ZixlySweeps

/// The stored forms of one finished sweep: the full artifact JSON and the job's summary.
struct SweepReport {
    let run: SweepRun
    let parameters: TradingSweepParameters
    let dataset: DatasetVersion
    let series: PriceSeries
    let outcome: SweepOutcome

    /// What `GET /api/pipelines/{id}` shows as `result_summary`.
    var summary: JSONValue {
        [
            "sweep_run_id": .string(run.sweepRunID),
            "ticker": .string(run.ticker),
            "dataset": [
                "ticker": .string(dataset.ticker), "version": .number(Double(dataset.version)), "sha256": .string(dataset.sha256),
                "source": .string(dataset.source), "frequency": .string(dataset.frequency), "bars_per_year": .number(dataset.barsPerYear),
            ],
            "annualization": [
                "frequency": .string(dataset.frequency), "bars_per_year": .number(parameters.barsPerYear ?? dataset.barsPerYear),
                "source": .string(parameters.barsPerYear == nil ? "dataset" : "request"),
            ],
            "strategy": .string(run.strategy.rawValue.uppercased()),
            "total_combinations": .number(Double(run.totalCombinations)),
            "ranked_combinations": .number(Double(run.rankedCombinations)),
            "execution_time_seconds": .number(run.executionTimeSeconds),
            "bars": .number(Double(series.count)),
            "first_date": .string(series.dates[0]),
            "last_date": .string(series.dates[series.count - 1]),
            "buy_and_hold_return_pct": .number(outcome.buyAndHoldReturnPct),
            "share_beating_buy_and_hold": .number(outcome.shareBeatingBuyAndHold),
            "deflated_sharpe_ratio": .number(outcome.deflatedSharpeRatio),
            "overfitting": outcome.overfitting.map(Self.json) ?? .null,
            "best": outcome.best?.json ?? .null,
            "artifact_key": .string(run.artifactKey),
        ]
    }

    /// The Probability of Backtest Overfitting as the job shows it.
    static func json(_ overfitting: BacktestOverfitting) -> JSONValue {
        [
            "probability": .number(overfitting.probability), "probability_of_loss": .number(overfitting.probabilityOfLoss),
            "median_logit": .number(overfitting.medianLogit), "splits": .number(Double(overfitting.splits)),
            "blocks": .number(Double(overfitting.blocks)), "bars_per_block": .number(Double(overfitting.barsPerBlock)),
            "dropped_bars": .number(Double(overfitting.droppedBars)),
        ]
    }

    /// `results/{jobId}/{sweepRunId}.json`: everything, including the best combination's
    /// equity curve against buy-and-hold.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "job_id": .string(run.jobID.rawValue),
            "sweep_run_id": .string(run.sweepRunID),
            "parameters": parameters.json,
            "summary": summary,
            "statistics": SweepStatistics(rows: outcome.results).json.merging([
                "buy_and_hold_return_pct": .number(outcome.buyAndHoldReturnPct),
                "share_beating_buy_and_hold": .number(outcome.shareBeatingBuyAndHold),
                "deflated_sharpe_ratio": .number(outcome.deflatedSharpeRatio),
            ]),
            "results": .array(outcome.results.map(\.json)),
        ]
        if !outcome.bestEquityCurve.isEmpty {
            object["equity_curve"] = [
                "dates": .array(series.dates.map(JSONValue.string)),
                "strategy": .array(outcome.bestEquityCurve.map(JSONValue.number)),
                "buy_and_hold": .array(Sweep.buyAndHoldCurve(series).map(JSONValue.number)),
            ]
        }
        return .object(object)
    }
}
