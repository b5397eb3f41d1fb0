import Foundation
import SweepEngine
import ZixlyCore

/// A metric over the (fast, slow) grid as an SVG heatmap, drawn on the server: one cell per
/// combination, colour from the metric's lowest (red) through its middle (yellow) to its highest
/// (green), grey where the metric is not a finite number. Every cell has a `<title>` tooltip.
public struct Heatmap: Sendable {
    public var metric: SweepSortKey
    public var cellSize = 12
    let margin = (left: 48, top: 12, right: 12, bottom: 40)

    public init(metric: SweepSortKey) {
        self.metric = metric
    }

    /// What can be charted: the metrics, not the grid's own axes.
    public static let metrics: [SweepSortKey] = SweepSortKey.allCases.filter { $0 != .fastPeriod && $0 != .slowPeriod }

    public func value(_ row: CombinationMetrics) -> Double {
        switch metric {
        case .score: row.score
        case .sharpeRatio: row.sharpeRatio
        case .sortinoRatio: row.sortinoRatio
        case .totalReturnPct: row.totalReturnPct
        case .annualizedReturn: row.annualizedReturn
        case .maxDrawdownPct: row.maxDrawdownPct
        case .winRatePct: row.winRatePct
        case .profitFactor: row.profitFactor
        case .totalTrades: Double(row.totalTrades)
        case .tradesPerMonth: row.tradesPerMonth
        case .avgTradeDuration: row.avgTradeDuration
        case .fastPeriod: Double(row.fastPeriod)
        case .slowPeriod: Double(row.slowPeriod)
        }
    }

    public func svg(_ rows: [CombinationMetrics]) -> String {
        let fasts = Array(Set(rows.map(\.fastPeriod))).sorted()
        let slows = Array(Set(rows.map(\.slowPeriod))).sorted()
        guard !fasts.isEmpty, !slows.isEmpty else { return "<p>No results to chart.</p>" }
        let column = Dictionary(uniqueKeysWithValues: fasts.enumerated().map { ($1, $0) })
        let line = Dictionary(uniqueKeysWithValues: slows.enumerated().map { ($1, $0) })
        let finite = rows.map(value).filter(\.isFinite)
        let (low, high) = (finite.min() ?? 0, finite.max() ?? 0)
        let width = margin.left + fasts.count * cellSize + margin.right
        let height = margin.top + slows.count * cellSize + margin.bottom
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" viewBox="0 0 \#(width) \#(height)" "#
            + #"width="\#(width)" height="\#(height)" aria-label="\#(metric.rawValue) by fast and slow period">"#
        for row in rows {
            guard let x = column[row.fastPeriod], let y = line[row.slowPeriod] else { continue }
            let metricValue = value(row)
            let fill = metricValue.isFinite ? Self.colour(high > low ? (metricValue - low) / (high - low) : 0.5) : "#9e9e9e"
            svg += #"<rect x="\#(margin.left + x * cellSize)" y="\#(margin.top + (slows.count - 1 - y) * cellSize)" "#
                + #"width="\#(cellSize)" height="\#(cellSize)" fill="\#(fill)">"#
                + "<title>fast \(row.fastPeriod), slow \(row.slowPeriod): \(metric.rawValue) \(Self.format(metricValue))</title></rect>"
        }
        let axisY = margin.top + slows.count * cellSize
        svg += #"<text x="\#(margin.left + fasts.count * cellSize / 2)" y="\#(axisY + 30)" text-anchor="middle" class="axis">fast period (\#(fasts.first!)–\#(fasts.last!))</text>"#
        svg += #"<text x="12" y="\#(margin.top + slows.count * cellSize / 2)" text-anchor="middle" class="axis" "#
            + #"transform="rotate(-90 12 \#(margin.top + slows.count * cellSize / 2))">slow period (\#(slows.first!)–\#(slows.last!))</text>"#
        svg += #"<text x="\#(margin.left)" y="\#(axisY + 14)" class="axis">low \#(Self.format(low))</text>"#
        svg += #"<text x="\#(margin.left + fasts.count * cellSize)" y="\#(axisY + 14)" text-anchor="end" class="axis">high \#(Self.format(high))</text>"#
        return svg + "</svg>"
    }

    /// Red (0) → yellow (0.5) → green (1).
    static func colour(_ fraction: Double) -> String {
        let t = min(1, max(0, fraction))
        let red = t < 0.5 ? 215 : Int(215 - (t - 0.5) * 2 * 189)
        let green = t < 0.5 ? Int(48 + t * 2 * 143) : Int(191 - (t - 0.5) * 2 * 39)
        let blue = t < 0.5 ? 39 : Int(39 + (t - 0.5) * 2 * 41)
        return String(format: "#%02x%02x%02x", red, green, blue)
    }

    static func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%.3g", value) : (value.isNaN ? "n/a" : (value > 0 ? "∞" : "−∞"))
    }
}
