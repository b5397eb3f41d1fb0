import Foundation
import SweepEngine
public import ZixlyCore
public import ZixlyQueue

extension TradingSweepJobType {
    /// "GOOG v3 · SMA · 28 combinations", or "50 tickers (U01, U02, U03, …) · SMA · 760
    /// combinations each"; once completed, what it found: "best 10/40 · Sharpe 1.071 · return
    /// 571.5%", "none of 342 ranked (min_trades 50)", or across tickers "best 10/40 · median
    /// Sharpe 0.412 over 50 tickers".
    public func synopsis(of job: Job) -> JobSynopsis {
        let parameters = job.parameters
        let strategy = parameters["strategy_type"]?.stringValue ?? "SMA"
        let count = Self.combinations(parameters).map { "\(NumberText.grouped($0)) combinations" } ?? "a grid"
        let what: String
        if let tickers = parameters["tickers"]?.arrayValue?.compactMap(\.stringValue) {
            let shown = tickers.prefix(3).joined(separator: ", ") + (tickers.count > 3 ? ", …" : "")
            what = "\(tickers.count) tickers (\(shown)) · \(strategy) · \(count) each"
        } else {
            let version = parameters["dataset_version"]?.intValue.map { " v\($0)" } ?? ""
            what = "\(parameters["ticker"]?.stringValue ?? "?")\(version) · \(strategy) · \(count)"
        }
        guard job.state == .completed, let summary = job.resultSummary else { return JobSynopsis(what: what) }
        return JobSynopsis(what: what, outcome: Self.outcome(summary, minTrades: parameters["min_trades"]?.intValue))
    }

    /// The best combination a completed sweep found, in a few words.
    static func outcome(_ summary: JSONValue, minTrades: Int?) -> String {
        let best = summary["best"]
        guard let best, best != .null, let fast = best["fast_period"]?.intValue, let slow = best["slow_period"]?.intValue else {
            let total = summary["total_combinations"]?.intValue.map(NumberText.grouped) ?? "its"
            return "none of \(total) ranked" + (minTrades.map { " (min_trades \($0))" } ?? "")
        }
        func number(_ value: JSONValue?, _ format: String) -> String { value?.doubleValue.map { String(format: format, $0) } ?? "n/a" }
        if let median = best["median_sharpe"] {
            let tickers = summary["completed_tickers"]?.intValue ?? 0
            return "best \(fast)/\(slow) · median Sharpe \(number(median, "%.3f")) over \(tickers) tickers"
        }
        return "best \(fast)/\(slow) · Sharpe \(number(best["sharpe_ratio"], "%.3f")) · return \(number(best["total_return_pct"], "%.1f"))%"
    }

    /// The grid's size from stored parameters; nil when they do not describe one.
    static func combinations(_ parameters: JSONValue) -> Int? {
        guard let fast = parameters["fast_range"]?.arrayValue?.compactMap(\.intValue), fast.count == 2, fast[0] <= fast[1],
            let slow = parameters["slow_range"]?.arrayValue?.compactMap(\.intValue), slow.count == 2, slow[0] <= slow[1]
        else { return nil }
        return SweepGrid(fastRange: fast[0]...fast[1], slowRange: slow[0]...slow[1], step: max(1, parameters["step"]?.intValue ?? 1))
            .combinationCount
    }
}
