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
        let curve = await equityCurve(job, fast: fast, slow: slow)
        let values: [String: Any] = [
            "job": ["id": job.id.rawValue, "shortID": String(job.id.rawValue.prefix(8))],
            "name": name,
            "cards": cards,
            "equity": curve.map { Self.equityChart($0, logScale: logScale, name: name) } ?? false,
            "trades": curve.map { Self.tradeList($0) } ?? false,
            "scaleURL": path + (logScale ? "" : "?scale=log") + "#equity",
            "scaleSwitch": logScale ? "Linear scale" : "Log scale",
        ]
        return pages.render("combination", title: "\(name) · job \(job.id.rawValue.prefix(8))", values, context: context)
    }

    /// A page shows at most this many trades, the latest: a fast pair on minute bars can trade
    /// tens of thousands of times, and the page stays small.
    static let tradesShown = 200

    /// The latest trades, newest first, as table rows, with a line saying how many there are.
    static func tradeList(_ curve: EquityCurve) -> [String: Any] {
        let shown = curve.trades.suffix(tradesShown).reversed()
        func date(_ bar: Int?) -> String { bar.flatMap { curve.dates.indices.contains($0) ? curve.dates[$0] : nil } ?? "" }
        func price(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "" }
        let rows = shown.map { trade -> [String: Any] in
            [
                "entered": date(trade.entryBar), "entryPrice": price(trade.entryPrice),
                "exited": trade.exitBar == nil ? "still open" : date(trade.exitBar), "exitPrice": price(trade.exitPrice),
                "bars": "\((trade.exitBar ?? curve.dates.count - 1) - trade.entryBar)",
                "pnl": text(trade.pnl, "%.2f"), "returnPct": text(trade.returnPct, "%.2f%%"),
            ]
        }
        let count = curve.trades.count
        let caption =
            count == 0
            ? "It never traded: its fast line did not cross above its slow line."
            : count > tradesShown
                ? "The latest \(tradesShown) of its \(NumberText.grouped(count)) trades, newest first." : "All \(count) of its trades, newest first."
        return ["rows": rows, "caption": caption, "any": count > 0]
    }
}
