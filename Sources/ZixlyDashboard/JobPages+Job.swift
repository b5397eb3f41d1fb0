import Foundation
import Hummingbird
import SweepEngine
import ZixlyAPI
import ZixlyCore
import ZixlyQueue
import ZixlySweeps

extension JobPages {
    /// Result rows on one page of a job.
    static let resultsPageSize = 25

    /// A job: status (live while it runs), timeline, parameters; for a finished sweep its
    /// statistics, the heatmap of `?metric=` and the top rows sorted by `?sort=`/`?order=`.
    @Sendable func job(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        let job = try await ownedJob(context, principal: principal)
        let query = request.uri.queryParameters
        var values: [String: Any] = [
            "job": JobView(job, synopsis: jobTypes.synopsis(of: job), principal: principal, now: queue.clock.now()).values,
            "timeline": JobTimeline.entries(job).map(\.values),
            "parameters": Self.parameters(job.parameters),
            // "Sweep queued." only while it is: the live script removes it when the job starts.
            "notice": (query.get("notice") == "queued" && job.state != .queued ? nil : Self.notice(query.get("notice"))) ?? false,
            "noticeCode": query.get("notice") ?? "",
            "sweep": false,
            "universe": false,
        ]
        if job.parameters["tickers"] != nil {
            values["universe"] = try await universeValues(job)
        } else if jobTypes[job.jobType]?.presentation == .sweep, let run = try await results.latestRun(for: job.id) {
            values["sweep"] = try await sweepValues(job, run: run, query: request.uri.queryParameters)
        }
        return pages.render("job", title: "Job \(job.id.rawValue.prefix(8))", values, context: context)
    }

    private func sweepValues(_ job: Job, run: SweepRun, query: Parameters) async throws -> [String: Any] {
        let metric = query.get("metric").flatMap(SweepSortKey.init(rawValue:)).flatMap { Heatmap.metrics.contains($0) ? $0 : nil } ?? .sharpeRatio
        let sort = query.get("sort").flatMap(SweepSortKey.init(rawValue:)) ?? .score
        let descending = query.get("order").map { $0 != "asc" } ?? sort.sortsDescendingByDefault
        let offset = max(0, min(query.get("offset").flatMap { Int($0) } ?? 0, 10_000_000))
        let page = try await results.rows(
            for: job.id, sortBy: sort, descending: descending, limit: Self.resultsPageSize + 1, offset: offset, rankedOnly: false)
        let top = Array(page.prefix(Self.resultsPageSize))
        let statistics = try await results.statistics(of: run)
        // The best ranked combination; with none ranked, the best scored one.
        var best = try await results.rows(for: job.id, sortBy: .score, descending: true, limit: 1, rankedOnly: true).first
        if best == nil { best = try await results.rows(for: job.id, sortBy: .score, descending: true, limit: 1, rankedOnly: false).first }
        let summary = job.resultSummary
        func percent(_ value: Double?) -> String { Self.text(value, "%.2f%%") }
        func number(_ value: Double?) -> String { Self.text(value, "%.3f") }
        let dataset = summary?["dataset"]
        let dataCard = dataset.map { data -> String in
            let version = data["version"]?.intValue.map { " v\($0)" } ?? ""
            let used = summary?["annualization"]?["bars_per_year"] ?? data["bars_per_year"]
            let perYear = used?.doubleValue.map { String(format: "%.0f", $0) } ?? "?"
            let sha = data["sha256"]?.stringValue.map { ", sha256 \($0.prefix(12))" } ?? ""
            return "\(data["ticker"]?.stringValue ?? run.ticker)\(version) (\(data["frequency"]?.stringValue ?? "?"), \(perYear) bars a year\(sha))"
        }
        // With none ranked, the figures are of unranked combinations: say so on each.
        let unranked = statistics.rankedCombinations == 0 ? ", none ranked" : ""
        let cards: [[String: String]] = [
            ["label": "Data", "value": dataCard ?? run.ticker],
            ["label": "Combinations", "value": "\(statistics.rankedCombinations) ranked of \(statistics.totalCombinations)"],
            ["label": "Best Sharpe\(unranked)", "value": number(statistics.bestSharpe)],
            ["label": "Best return\(unranked)", "value": percent(statistics.bestTotalReturnPct)],
            ["label": "Shallowest drawdown\(unranked)", "value": percent(statistics.shallowestDrawdownPct)],
            ["label": "Average Sharpe", "value": number(statistics.averageSharpe)],
            ["label": "Average return", "value": percent(statistics.averageTotalReturnPct)],
            ["label": "Deflated Sharpe (best)", "value": number(summary?["deflated_sharpe_ratio"]?.doubleValue)],
            [
                "label": "Probability of overfitting",
                "value": summary?["overfitting"]?["probability"]?.doubleValue.map {
                    String(format: "%.0f%% of %d splits", $0 * 100, summary?["overfitting"]?["splits"]?.intValue ?? 0)
                } ?? "—",
            ],
            ["label": "Buy and hold", "value": percent(summary?["buy_and_hold_return_pct"]?.doubleValue)],
        ]
        let columns: [(SweepSortKey, String)] = [
            (.fastPeriod, "Fast"), (.slowPeriod, "Slow"), (.score, "Score"), (.sharpeRatio, "Sharpe"), (.totalReturnPct, "Return %"),
            (.maxDrawdownPct, "Max DD %"), (.winRatePct, "Win %"), (.profitFactor, "Profit factor"), (.totalTrades, "Trades"),
        ]
        let logScale = query.get("scale") == "log"
        let base = "/jobs/\(job.id.rawValue)?metric=\(metric.rawValue)\(logScale ? "&scale=log" : "")"
        var heatmap = Heatmap(metric: metric)
        heatmap.buyAndHoldReturnPct = summary?["buy_and_hold_return_pct"]?.doubleValue
        heatmap.best = best.flatMap { $0.isRanked ? ($0.fastPeriod, $0.slowPeriod) : nil }
        heatmap.unrankedReason = Self.unrankedReason(job)
        heatmap.combinationURL = "/jobs/\(job.id.rawValue)/combinations/{fast}/{slow}"
        let scaleURL =
            "/jobs/\(job.id.rawValue)?metric=\(metric.rawValue)&sort=\(sort.rawValue)&order=\(descending ? "desc" : "asc")"
            + (logScale ? "" : "&scale=log") + "#equity"
        let pageURL = { (offset: Int) in "\(base)&sort=\(sort.rawValue)&order=\(descending ? "desc" : "asc")&offset=\(offset)#results" }
        let minTrades = job.parameters["min_trades"]?.intValue.map(String.init) ?? "min_trades"
        let ranking =
            statistics.rankedCombinations == 0
            ? "None of the \(statistics.totalCombinations) combinations made at least \(minTrades) trades (min_trades), so none is ranked: "
                + "the figures below are of unranked combinations, often of one or two trades, and say little. Sweep longer data or lower min_trades."
            : "A combination is ranked when it made at least \(minTrades) trades (min_trades); only ranked ones can be the best. "
                + "The others are listed and charted (hatched), never chosen."
        return [
            "ranking": ranking,
            "noneRanked": statistics.rankedCombinations == 0,
            "walkForward": try await walkForwardValues(job) ?? false,
            "equity": await equityChart(job, combination: best, logScale: logScale) ?? false,
            "equityName": best.map(Self.bestName) ?? "",
            "scaleURL": scaleURL,
            "scaleSwitch": logScale ? "Linear scale" : "Log scale",
            "cards": cards,
            "metric": metric.rawValue,
            "metrics": Heatmap.metrics.map { ["value": $0.rawValue, "selected": $0 == metric] },
            "heatmap": heatmap.figure(try await results.grid(for: job.id, metric: metric)),
            "sort": sort.rawValue,
            "firstRow": offset + 1,
            "lastRow": offset + top.count,
            "previousURL": offset > 0 ? pageURL(max(0, offset - Self.resultsPageSize)) : false,
            "nextURL": page.count > Self.resultsPageSize ? pageURL(offset + Self.resultsPageSize) : false,
            "order": descending ? "desc" : "asc",
            "columns": columns.map { key, label in
                let active = key == sort
                let nextOrder = active ? (descending ? "asc" : "desc") : "desc"
                return [
                    "label": label, "active": active, "arrow": descending ? "↓" : "↑", "ariaSort": descending ? "descending" : "ascending",
                    "url": "\(base)&sort=\(key.rawValue)&order=\(nextOrder)#results",
                ] as [String: Any]
            },
            "rows": top.map { row in
                [
                    "cells": [
                        "\(row.fastPeriod)", "\(row.slowPeriod)", number(row.score), number(row.sharpeRatio), number(row.totalReturnPct),
                        number(row.maxDrawdownPct), number(row.winRatePct), number(row.profitFactor), "\(row.totalTrades)",
                    ]
                ]
            },
        ]
    }

    /// A figure for a card or a table: "—" when missing or not a number, ∞ for an infinity.
    static func text(_ value: Double?, _ format: String) -> String {
        guard let value else { return "—" }
        if value.isNaN { return "—" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        return String(format: format, value)
    }

    /// "fast 10 / slow 40, the best ranked" (or the best scored, when none is ranked).
    static func bestName(_ row: CombinationMetrics) -> String {
        "fast \(row.fastPeriod) / slow \(row.slowPeriod), " + (row.isRanked ? "the best ranked" : "the best scored (none is ranked)")
    }

    /// Why a combination is not ranked, with the job's own threshold.
    static func unrankedReason(_ job: Job) -> String {
        let minimum = job.parameters["min_trades"]?.intValue.map { "fewer than \($0) trades (min_trades)" } ?? "too few trades (min_trades)"
        return "\(minimum), too few to rank"
    }

    /// A combination's equity and drawdown against buy-and-hold, drawn again by its job type.
    func equityChart(_ job: Job, combination: CombinationMetrics?, logScale: Bool) async -> String? {
        guard let combination, let curve = await equityCurve(job, fast: combination.fastPeriod, slow: combination.slowPeriod) else { return nil }
        return Self.equityChart(curve, logScale: logScale, name: Self.bestName(combination))
    }

    /// One combination simulated again by its job type; nil when it cannot be.
    func equityCurve(_ job: Job, fast: Int, slow: Int) async -> EquityCurve? {
        guard let curves = jobTypes[job.jobType] as? any SweepCurves else { return nil }
        return await curves.equityCurve(of: job, fast: fast, slow: slow)
    }

    static func equityChart(_ curve: EquityCurve, logScale: Bool, name: String) -> String {
        var chart = EquityChart()
        chart.logScale = logScale
        chart.strategyName = name
        return chart.figure(dates: curve.dates, strategy: curve.strategy, buyAndHold: curve.buyAndHold)
    }

    /// The folds table, the stitched out-of-sample curve and its figures, from the walk-forward
    /// artifact of a sweep that asked for one.
    private func walkForwardValues(_ job: Job) async throws -> [String: Any]? {
        guard let summary = job.resultSummary?["walk_forward"], let key = summary["artifact_key"]?.stringValue,
            let data = try await artifacts.get(key), let detail = try? JSONValue(jsonBytes: data)
        else { return nil }
        func number(_ value: JSONValue?, _ format: String = "%.2f") -> String { value?.doubleValue.map { String(format: format, $0) } ?? "—" }
        let folds = (detail["folds"]?.arrayValue ?? []).map { fold -> [String: Any] in
            let window = { (name: String) in "\(fold[name]?["first"]?.stringValue ?? "") – \(fold[name]?["last"]?.stringValue ?? "")" }
            return [
                "cells": [
                    "\(fold["fold"]?.intValue ?? 0)", window("train"), window("test"), fold["fast"]?.intValue.map(String.init) ?? "—",
                    fold["slow"]?.intValue.map(String.init) ?? "—", number(fold["in_sample"]?["sharpe_ratio"]),
                    number(fold["out_of_sample"]?["sharpe_ratio"]), number(fold["in_sample"]?["total_return_pct"]),
                    number(fold["out_of_sample"]?["total_return_pct"]), number(fold["out_of_sample"]?["max_drawdown_pct"]),
                ]
            ]
        }
        let mostChosen = summary["most_chosen"].flatMap { pair in pair["fast"]?.intValue.map { "\($0)/\(pair["slow"]?.intValue ?? 0)" } }
        let share = String(format: "%.0f", (summary["most_chosen_share"]?.doubleValue ?? 0) * 100)
        let cards: [[String: String]] = [
            ["label": "Folds", "value": "\(summary["folds"]?.intValue ?? 0) (\(summary["anchored"] == .bool(true) ? "anchored" : "rolling"))"],
            ["label": "Out-of-sample return", "value": number(summary["out_of_sample"]?["total_return_pct"]) + "%"],
            ["label": "Buy and hold, same bars", "value": number(summary["buy_and_hold_return_pct"]) + "%"],
            ["label": "Out-of-sample Sharpe", "value": number(summary["out_of_sample"]?["sharpe_ratio"], "%.3f")],
            ["label": "Walk-forward efficiency", "value": number(summary["efficiency"], "%.3f")],
            ["label": "Most chosen (fast/slow)", "value": mostChosen.map { "\($0) in \(share)% of folds" } ?? "—"],
        ]
        let curve = detail["curve"]
        var chart = EquityChart()
        chart.id = "walk-forward-equity"
        chart.strategyName = "out-of-sample choices, chained"
        let figure = chart.figure(
            dates: curve?["dates"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            strategy: curve?["strategy"]?.arrayValue?.compactMap(\.doubleValue) ?? [],
            buyAndHold: curve?["buy_and_hold"]?.arrayValue?.compactMap(\.doubleValue) ?? [])
        return ["cards": cards, "chart": figure, "folds": folds]
    }

    /// Top-level parameters as name/value text (values as compact JSON when not a string).
    static func parameters(_ parameters: JSONValue) -> [[String: String]] {
        guard case .object(let object) = parameters else { return [["name": "parameters", "value": parameters.jsonText()]] }
        return object.keys.sorted().map { key in
            ["name": key, "value": object[key]?.stringValue ?? object[key]?.jsonText() ?? ""]
        }
    }
}
