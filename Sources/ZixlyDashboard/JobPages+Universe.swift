import Foundation
import ZixlyCore
import ZixlyQueue
import ZixlySweeps

extension JobPages {
    /// Aggregate rows shown on the page of a sweep of many tickers.
    static let aggregatePageSize = 25

    /// A sweep of many tickers: every ticker with its state and a link to its own job page (its
    /// drill-down); once all have finished, the median-Sharpe heatmap across tickers, the figures
    /// of the best combination and the top of the ranking.
    func universeValues(_ job: Job) async throws -> [String: Any] {
        func number(_ value: JSONValue?, _ format: String = "%.3f") -> String { value?.doubleValue.map { String(format: format, $0) } ?? "—" }
        var tickers = try await queue.store.children(of: job.id).map { child -> [String: Any] in
            ["ticker": child.label, "url": "/jobs/\(child.id.rawValue)", "status": child.state.rawValue, "cells": ["—", "—", "—"]]
        }
        var values: [String: Any] = ["count": tickers.count, "aggregate": false]
        guard let key = job.resultSummary?["aggregate_key"]?.stringValue, let stored = try? await aggregates.aggregate(at: key) else {
            values["tickers"] = tickers
            return values
        }
        let outcomes = Dictionary(
            stored.tickers.compactMap { entry in entry["ticker"]?.stringValue.map { ($0, entry) } },
            uniquingKeysWith: { first, _ in first })
        for index in tickers.indices {
            guard let ticker = tickers[index]["ticker"] as? String, let outcome = outcomes[ticker] else { continue }
            let best = outcome["best"]
            let pair = best?["fast_period"]?.intValue.map { "\($0)/\(best?["slow_period"]?.intValue ?? 0)" } ?? "—"
            tickers[index]["cells"] = [pair, number(best?["sharpe_ratio"]), number(outcome["buy_and_hold_return_pct"], "%.2f%%")]
        }
        let rows = stored.rows
        let best = rows.first?.json
        let summary = job.resultSummary
        values["tickers"] = tickers
        values["aggregate"] =
            [
                "cards": [
                    ["label": "Tickers", "value": "\(summary?["completed_tickers"]?.intValue ?? 0) completed of \(tickers.count)"],
                    ["label": "Combinations per ticker", "value": "\(rows.count)"],
                    [
                        "label": "Best by median Sharpe",
                        "value": best.map { "\($0["fast_period"]?.intValue ?? 0)/\($0["slow_period"]?.intValue ?? 0)" } ?? "—",
                    ],
                    ["label": "Its median Sharpe", "value": number(best?["median_sharpe"])],
                    [
                        "label": "Its share beating buy and hold",
                        "value": best?["share_beating_buy_and_hold"]?.doubleValue.map { String(format: "%.0f%%", $0 * 100) } ?? "—",
                    ],
                    ["label": "Its worst drawdown", "value": number(best?["worst_drawdown_pct"], "%.2f%%")],
                ],
                "heatmap": medianSharpeHeatmap(rows),
                "rows": rows.prefix(Self.aggregatePageSize).map(Self.cells),
            ] as [String: Any]
        return values
    }

    /// The median Sharpe across tickers over the grid, the ranking's first combination outlined;
    /// a combination no ticker gave a Sharpe is blank.
    func medianSharpeHeatmap(_ rows: [UniverseAggregate.Row]) -> String {
        var heatmap = Heatmap(metric: .sharpeRatio, name: "median Sharpe")
        heatmap.id = "aggregate-heatmap-chart"
        heatmap.best = rows.first.map { ($0.fastPeriod, $0.slowPeriod) }
        heatmap.bestDescription = "first by median Sharpe"
        return heatmap.figure(rows.map { GridValue(fastPeriod: $0.fastPeriod, slowPeriod: $0.slowPeriod, value: $0.medianSharpe) })
    }

    /// One row of the ranking as the table shows it.
    static func cells(_ row: UniverseAggregate.Row) -> [String: [String]] {
        func number(_ value: Double, _ format: String = "%.3f") -> String { value.isFinite ? String(format: format, value) : "—" }
        return [
            "cells": [
                "\(row.fastPeriod)", "\(row.slowPeriod)", number(row.medianSharpe), number(row.shareBeatingBuyAndHold * 100, "%.0f%%"),
                number(row.worstDrawdownPct, "%.2f%%"), "\(row.tickersWithSharpe)",
            ]
        ]
    }
}
