import Foundation
import SweepEngine
import ZixlyCore

/// A metric over the (fast, slow) grid as an SVG heatmap, drawn on the server: one cell per
/// combination, coloured from the metric's worst (red) through its middle (yellow) to its best
/// (green; for drawdown the lowest is best), grey where the metric is not a finite number. Every
/// cell has a `<title>` tooltip.
public struct Heatmap: Sendable {
    public var metric: SweepSortKey

    public init(metric: SweepSortKey) {
        self.metric = metric
    }

    /// Drawdown is better low; every other metric is better high.
    var lowerIsBetter: Bool { metric == .maxDrawdownPct }

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
        guard let firstFast = fasts.first, let lastFast = fasts.last, let firstSlow = slows.first, let lastSlow = slows.last else {
            return "<p>No results to chart.</p>"
        }
        let column = Dictionary(uniqueKeysWithValues: fasts.enumerated().map { ($1, $0) })
        let line = Dictionary(uniqueKeysWithValues: slows.enumerated().map { ($1, $0) })
        let finite = rows.map(value).filter(\.isFinite)
        let (low, high) = (finite.min() ?? 0, finite.max() ?? 0)
        // Cells large enough to see on a small grid, small enough to fit a large one in ~520 px.
        let cell = max(3, min(36, 520 / max(fasts.count, slows.count)))
        let (left, top) = (56, 8)
        let plotWidth = fasts.count * cell, plotHeight = slows.count * cell
        let width = max(left + plotWidth + 16, 340)
        let height = top + plotHeight + 78
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" viewBox="0 0 \#(width) \#(height)" "#
            + #"width="\#(width)" height="\#(height)" aria-label="\#(metric.rawValue) by fast and slow period">"#
        let (lowColour, highColour) = lowerIsBetter ? (Self.colour(1), Self.colour(0)) : (Self.colour(0), Self.colour(1))
        svg += #"<defs><linearGradient id="scale"><stop offset="0" stop-color="\#(lowColour)"/><stop offset="0.5" stop-color="\#(Self.colour(0.5))"/>"#
            + #"<stop offset="1" stop-color="\#(highColour)"/></linearGradient></defs>"#
        for row in rows {
            guard let x = column[row.fastPeriod], let y = line[row.slowPeriod] else { continue }
            let metricValue = value(row)
            let position = high > low ? (metricValue - low) / (high - low) : 0.5
            let fill = metricValue.isFinite ? Self.colour(lowerIsBetter ? 1 - position : position) : "#9e9e9e"
            svg += #"<rect class="cell" x="\#(left + x * cell)" y="\#(top + (slows.count - 1 - y) * cell)" width="\#(cell)" height="\#(cell)" fill="\#(fill)">"#
                + "<title>fast \(row.fastPeriod), slow \(row.slowPeriod): \(metric.rawValue) \(Self.format(metricValue))</title></rect>"
        }
        let bottom = top + plotHeight
        // Axes: the ends of each range, and what each axis is.
        svg += #"<text x="\#(left)" y="\#(bottom + 14)" class="axis">\#(firstFast)</text>"#
        svg += #"<text x="\#(left + plotWidth)" y="\#(bottom + 14)" text-anchor="end" class="axis">\#(lastFast)</text>"#
        svg += #"<text x="\#(left + plotWidth / 2)" y="\#(bottom + 28)" text-anchor="middle" class="axis">fast period</text>"#
        svg += #"<text x="\#(left - 4)" y="\#(bottom)" text-anchor="end" class="axis">\#(firstSlow)</text>"#
        svg += #"<text x="\#(left - 4)" y="\#(top + 10)" text-anchor="end" class="axis">\#(lastSlow)</text>"#
        svg += #"<text x="14" y="\#(top + plotHeight / 2)" text-anchor="middle" class="axis" transform="rotate(-90 14 \#(top + plotHeight / 2))">slow period</text>"#
        // Legend: the colour scale with the lowest and highest values.
        let legendY = bottom + 42
        svg += #"<text x="\#(left)" y="\#(legendY + 10)" class="axis">\#(Self.format(low))</text>"#
        svg += #"<rect x="\#(left + 60)" y="\#(legendY)" width="160" height="12" fill="url(#scale)"/>"#
        svg += #"<text x="\#(left + 226)" y="\#(legendY + 10)" class="axis">\#(Self.format(high))</text>"#
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

    /// The colour of a position on the scale (0 worst, 1 best), for tests.
    public static func colourForTests(_ fraction: Double) -> String { colour(fraction) }

    static func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%.3g", value) : (value.isNaN ? "n/a" : (value > 0 ? "∞" : "−∞"))
    }
}
