import Foundation
public import SweepEngine
import ZixlyCore
public import ZixlySweeps

/// A metric over the (fast, slow) grid as an SVG heatmap, drawn on the server: one cell per
/// combination (per bin of neighbouring combinations beyond 60 × 60), coloured from the metric's worst (red) through its middle (yellow) to its best
/// (green; for drawdown the lowest is best), grey where the metric is not a finite number. Every
/// cell has a `<title>` tooltip.
public struct Heatmap: Sendable {
    public var metric: SweepSortKey
    /// What the values are, in the tooltips and the chart's label; the metric's name by default.
    public var name: String

    /// `name`: when the values are not the metric itself (the median Sharpe across tickers).
    public init(metric: SweepSortKey, name: String? = nil) {
        self.metric = metric
        self.name = name ?? metric.rawValue
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

    /// At most this many cells along each axis: a larger grid is drawn in bins of neighbouring
    /// periods, each showing its best value, so the page stays small whatever the grid.
    public static let maxCellsPerAxis = 60

    public func svg(_ rows: [CombinationMetrics]) -> String {
        svg(rows.map { GridValue(fastPeriod: $0.fastPeriod, slowPeriod: $0.slowPeriod, value: value($0)) })
    }

    public func svg(_ values: [GridValue]) -> String {
        let fasts = Array(Set(values.map(\.fastPeriod))).sorted()
        let slows = Array(Set(values.map(\.slowPeriod))).sorted()
        guard let firstFast = fasts.first, let lastFast = fasts.last, let firstSlow = slows.first, let lastSlow = slows.last else {
            return "<p>No results to chart.</p>"
        }
        let (fastBins, slowBins) = (Bins(fasts), Bins(slows))
        var cells: [Int: (value: Double, count: Int)] = [:]  // key: column * slowBins.count + line
        var drawOrder: [Int] = []  // as the values come
        for item in values {
            guard let x = fastBins.index[item.fastPeriod], let y = slowBins.index[item.slowPeriod] else { continue }
            let key = x * slowBins.count + y
            let current = cells[key] ?? (.nan, 0)
            if current.count == 0 { drawOrder.append(key) }
            cells[key] = (better(item.value, than: current.value), current.count + 1)
        }
        let finite = cells.values.map(\.value).filter(\.isFinite)
        let (low, high) = (finite.min() ?? 0, finite.max() ?? 0)
        // Cells large enough to see on a small grid, small enough to fit a large one in ~520 px.
        let cell = max(3, min(36, 520 / max(fastBins.count, slowBins.count)))
        let (left, top) = (56, 8)
        let plotWidth = fastBins.count * cell
        let plotHeight = slowBins.count * cell
        let width = max(left + plotWidth + 16, 340)
        let height = top + plotHeight + 78
        var svg =
            #"<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" viewBox="0 0 \#(width) \#(height)" "#
            + #"width="\#(width)" height="\#(height)" aria-label="\#(name) by fast and slow period">"#
        let (lowColour, highColour) = lowerIsBetter ? (Self.colour(1), Self.colour(0)) : (Self.colour(0), Self.colour(1))
        svg +=
            #"<defs><linearGradient id="scale"><stop offset="0" stop-color="\#(lowColour)"/><stop offset="0.5" stop-color="\#(Self.colour(0.5))"/>"#
            + #"<stop offset="1" stop-color="\#(highColour)"/></linearGradient></defs>"#
        for key in drawOrder {
            guard let content = cells[key] else { continue }
            let (x, y) = (key / slowBins.count, key % slowBins.count)
            let metricValue = content.value
            let position = high > low ? (metricValue - low) / (high - low) : 0.5
            let fill = metricValue.isFinite ? Self.colour(lowerIsBetter ? 1 - position : position) : "#9e9e9e"
            let label =
                content.count == 1
                ? "fast \(fastBins.label(x)), slow \(slowBins.label(y)): \(name) \(Self.format(metricValue))"
                : "fast \(fastBins.label(x)), slow \(slowBins.label(y)): best \(name) \(Self.format(metricValue)) of \(content.count)"
            svg +=
                #"<rect class="cell" x="\#(left + x * cell)" y="\#(top + (slowBins.count - 1 - y) * cell)" width="\#(cell)" height="\#(cell)" fill="\#(fill)">"#
                + "<title>\(label)</title></rect>"
        }
        let bottom = top + plotHeight
        // Axes: the ends of each range, and what each axis is.
        svg += #"<text x="\#(left)" y="\#(bottom + 14)" class="axis">\#(firstFast)</text>"#
        svg += #"<text x="\#(left + plotWidth)" y="\#(bottom + 14)" text-anchor="end" class="axis">\#(lastFast)</text>"#
        svg += #"<text x="\#(left + plotWidth / 2)" y="\#(bottom + 28)" text-anchor="middle" class="axis">fast period</text>"#
        svg += #"<text x="\#(left - 4)" y="\#(bottom)" text-anchor="end" class="axis">\#(firstSlow)</text>"#
        svg += #"<text x="\#(left - 4)" y="\#(top + 10)" text-anchor="end" class="axis">\#(lastSlow)</text>"#
        svg +=
            #"<text x="14" y="\#(top + plotHeight / 2)" text-anchor="middle" class="axis" transform="rotate(-90 14 \#(top + plotHeight / 2))">slow period</text>"#
        // Legend: the colour scale with the lowest and highest values.
        let legendY = bottom + 42
        svg += #"<text x="\#(left)" y="\#(legendY + 10)" class="axis">\#(Self.format(low))</text>"#
        svg += #"<rect x="\#(left + 60)" y="\#(legendY)" width="160" height="12" fill="url(#scale)"/>"#
        svg += #"<text x="\#(left + 226)" y="\#(legendY + 10)" class="axis">\#(Self.format(high))</text>"#
        return svg + "</svg>"
    }

    /// The better of two values (NaN loses to any number).
    func better(_ a: Double, than b: Double) -> Double {
        if b.isNaN { return a }
        if a.isNaN { return b }
        return lowerIsBetter ? min(a, b) : max(a, b)
    }

    /// Consecutive distinct periods grouped so that there are at most `maxCellsPerAxis` groups.
    struct Bins {
        let periods: [Int]
        let size: Int
        let index: [Int: Int]

        init(_ periods: [Int]) {
            let size = max(1, (periods.count + Heatmap.maxCellsPerAxis - 1) / Heatmap.maxCellsPerAxis)
            (self.periods, self.size) = (periods, size)
            index = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1, $0 / size) })
        }

        var count: Int { (periods.count + size - 1) / size }

        /// `12` for a bin of one period, `12–15` for a wider one.
        func label(_ bin: Int) -> String {
            let first = periods[bin * size]
            let last = periods[min(periods.count, (bin + 1) * size) - 1]
            return first == last ? "\(first)" : "\(first)–\(last)"
        }
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
