import Foundation
import Hummingbird
import SweepEngine
import ZixlyAPI
import ZixlyCore
import ZixlySweeps

extension JobPages {
    /// `/jobs/{id}/combinations/{fast}/{slow}`: one combination of a finished sweep, where a click
    /// on its heatmap cell leads: every metric it scored, whether it was ranked, and its equity and
    /// drawdown against buy-and-hold.
    @Sendable func combination(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        let job = try await ownedJob(context, principal: principal)
        guard let fast = context.parameters.get("fast").flatMap({ Int($0) }), let slow = context.parameters.get("slow").flatMap({ Int($0) })
        else { throw APIError(.badRequest, "fast and slow must be whole numbers, as in /jobs/{id}/combinations/10/40") }
        guard let row = try await results.row(for: job.id, fast: fast, slow: slow) else {
            throw APIError(.notFound, "this sweep has no combination fast \(fast), slow \(slow)")
        }
        let logScale = request.uri.queryParameters.get("scale") == "log"
        let name = "fast \(fast) / slow \(slow)"
        func number(_ value: Double, _ format: String = "%.3f") -> String {
            value.isFinite ? String(format: format, value) : (value.isNaN ? "n/a" : (value > 0 ? "∞" : "−∞"))
        }
        let cards: [[String: String]] = [
            ["label": "Ranked", "value": row.isRanked ? "yes" : "no: \(Self.unrankedReason(job))"],
            ["label": "Score", "value": number(row.score)],
            ["label": "Sharpe", "value": number(row.sharpeRatio)],
            ["label": "Sortino", "value": number(row.sortinoRatio)],
            ["label": "Total return", "value": number(row.totalReturnPct, "%.2f%%")],
            ["label": "Annualized return", "value": number(row.annualizedReturn * 100, "%.2f%%")],
            ["label": "Max drawdown", "value": number(row.maxDrawdownPct, "%.2f%%")],
            ["label": "Win rate", "value": number(row.winRatePct, "%.1f%%")],
            ["label": "Profit factor", "value": number(row.profitFactor)],
            ["label": "Trades", "value": "\(row.totalTrades) (\(row.closedTrades) closed)"],
            ["label": "Trades a month", "value": number(row.tradesPerMonth, "%.2f")],
            ["label": "Average trade", "value": number(row.avgTradeDuration, "%.1f") + " bars"],
        ]
        let path = "/jobs/\(job.id.rawValue)/combinations/\(fast)/\(slow)"
        let values: [String: Any] = [
            "job": ["id": job.id.rawValue, "shortID": String(job.id.rawValue.prefix(8))],
            "name": name,
            "cards": cards,
            "equity": await equityChart(job, combination: row, logScale: logScale, name: name) ?? false,
            "scaleURL": path + (logScale ? "" : "?scale=log") + "#equity",
            "scaleSwitch": logScale ? "Linear scale" : "Log scale",
        ]
        return pages.render("combination", title: "\(name) · job \(job.id.rawValue.prefix(8))", values, context: context)
    }
}
