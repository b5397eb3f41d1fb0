import Foundation
public import SweepEngine
import ZixlyCore
public import ZixlySweeps

/// A metric over the (fast, slow) grid as an SVG heatmap drawn on the server, with its legend
/// below it in HTML (so it reflows on a phone): one cell per combination, or per bin of
/// neighbouring combinations beyond 60 × 60, so the page stays small whatever the grid.
///
/// Colours follow `HeatmapScale`: colour-blind safe, centred where the metric's value means
/// something. Cells not ranked (too few trades) are hatched, cells without a value are left blank
/// with a dotted edge, and the best ranked combination is outlined. Every cell has a `<title>`; the
/// page's chart script (`charts.mustache`) also reads a cell out on hover and keyboard focus (arrow
/// keys move, Enter opens) and opens the combination's own page on a click.
public struct Heatmap: Sendable {
    public var metric: SweepSortKey
    /// What the values are, in the read-outs; the metric's name by default.
    public var name: String
    /// Centres a total-return heatmap's colours on holding.
    public var buyAndHoldReturnPct: Double?
    /// Outlined and named in the legend: the combination the sweep ranks first.
    public var best: (fast: Int, slow: Int)?
    /// What the outlined cell is, in the legend.
    public var bestDescription = "the best ranked combination"
    /// Why a hatched cell is not ranked, in the legend.
    public var unrankedReason = "too few trades to be ranked"
    /// Where a click (or Enter) on a cell goes, `{fast}` and `{slow}` replaced; nil for nowhere.
    public var combinationURL: String?
    /// Distinguishes the ids of two heatmaps on one page.
    public var id = "heatmap"

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
    /// periods, each showing its best value.
    public static let maxCellsPerAxis = 60
    /// At most this many labelled ticks along each axis.
    static let maxTicksPerAxis = 10

    public func figure(_ rows: [CombinationMetrics]) -> String {
        figure(rows.map { GridValue(fastPeriod: $0.fastPeriod, slowPeriod: $0.slowPeriod, value: value($0), isRanked: $0.isRanked) })
    }

    /// One bin's content: its best value (among ranked combinations when it has any) and the
    /// combination that has it.
    struct Cell {
        var value = Double.nan
        var fast = 0
        var slow = 0
        var count = 0
        var isRanked = false
        var isBest = false
    }

    /// The SVG, its read-out line and its legend.
    public func figure(_ values: [GridValue]) -> String {
        let fasts = Array(Set(values.map(\.fastPeriod))).sorted()
        let slows = Array(Set(values.map(\.slowPeriod))).sorted()
        guard !fasts.isEmpty, !slows.isEmpty else { return "<p>No results to chart.</p>" }
        let (fastBins, slowBins) = (Bins(fasts), Bins(slows))
        var cells: [Int: Cell] = [:]  // key: column * slowBins.count + line
        var drawOrder: [Int] = []  // as the values come
        for item in values {
            guard let x = fastBins.index[item.fastPeriod], let y = slowBins.index[item.slowPeriod] else { continue }
            let key = x * slowBins.count + y
            var cell = cells[key] ?? Cell()
            if cell.count == 0 { drawOrder.append(key) }
            cell.count += 1
            if item.fastPeriod == best?.fast && item.slowPeriod == best?.slow { cell.isBest = true }
            let replaces =
                cell.count == 1 || (item.isRanked && !cell.isRanked)
                || (item.isRanked == cell.isRanked && better(item.value, than: cell.value))
            if replaces { (cell.value, cell.fast, cell.slow, cell.isRanked) = (item.value, item.fastPeriod, item.slowPeriod, item.isRanked) }
            cells[key] = cell
        }
        let scale = HeatmapScale.of(metric, buyAndHoldReturnPct: buyAndHoldReturnPct)
        let domain = scale.domain(cells.values.map(\.value))
        // Cells large enough to see on a small grid, small enough to fit a large one in ~520 px.
        let cell = max(3, min(36, 520 / max(fastBins.count, slowBins.count)))
        let (left, top) = (64, 8)
        let (plotWidth, plotHeight) = (fastBins.count * cell, slowBins.count * cell)
        let bottom = top + plotHeight
        let width = max(left + plotWidth + 16, 360)
        let height = bottom + 112
        let readout = "\(id)-readout"
        var svg =
            #"<svg xmlns="http://www.w3.org/2000/svg" id="\#(id)" class="heatmap" role="img" tabindex="0" viewBox="0 0 \#(width) \#(height)" "#
            + #"width="\#(width)" height="\#(height)" style="--phone-font: \#(Self.phoneFont(width))px" aria-label="\#(ChartText.escape(name)) by fast and slow period" aria-describedby="\#(readout)" "#
            + #"data-readout="\#(readout)" data-left="\#(left)" data-top="\#(top)" data-cell="\#(cell)" data-rows="\#(slowBins.count)""#
            + (combinationURL.map { #" data-href="\#(ChartText.escape($0))""# } ?? "") + ">"
        svg += "<defs>" + gradient(scale) + hatchPattern + "</defs>"
        var overlays = ""
        for key in drawOrder {
            guard let content = cells[key] else { continue }
            let (x, y) = (left + key / slowBins.count * cell, top + (slowBins.count - 1 - key % slowBins.count) * cell)
            let place = #"x="\#(x)" y="\#(y)" width="\#(cell)" height="\#(cell)""#
            let fill = scale.colour(content.value, domain: domain)
            let paint = fill.map { #"fill="\#($0)""# } ?? ##"fill="transparent" stroke="#8c959f" stroke-dasharray="2 2""##
            svg +=
                #"<rect class="cell" \#(place) \#(paint) data-fast="\#(content.fast)" data-slow="\#(content.slow)">"#
                + "<title>\(label(content, fastBins: fastBins, slowBins: slowBins, key: key))</title></rect>"
            if !content.isRanked { overlays += #"<rect class="unranked" \#(place) fill="url(#\#(id)-hatch)" pointer-events="none"/>"# }
            if content.isBest {
                overlays +=
                    ##"<rect class="best" \##(place) fill="none" stroke="#000" stroke-width="3" pointer-events="none"/>"##
                    + ##"<rect \##(place) fill="none" stroke="#fff" stroke-width="1" pointer-events="none"/>"##
            }
        }
        svg += overlays
        svg += #"<rect class="focus" x="0" y="0" width="\#(cell)" height="\#(cell)" visibility="hidden" pointer-events="none"/>"#
        svg += axes(fastBins: fastBins, slowBins: slowBins, cell: cell, left: left, top: top)
        svg += colourBar(scale, domain: domain, x: left, y: bottom + 56)
        svg += "</svg>"
        return svg + #"<p id="\#(readout)" class="readout muted" aria-live="polite">"#
            + "Point at a cell, or focus the chart and use the arrow keys, to read its value"
            + (combinationURL == nil ? "" : "; click or press Enter to open that combination") + ".</p>"
            + legend(cells: Array(cells.values))
    }

    /// A cell's tooltip and read-out.
    func label(_ content: Cell, fastBins: Bins, slowBins: Bins, key: Int) -> String {
        let (x, y) = (key / slowBins.count, key % slowBins.count)
        let value = Self.format(content.value)
        let ranked = content.isRanked ? "" : ", not ranked"
        let best = content.isBest ? " (\(bestDescription) is here)" : ""
        if content.count == 1 { return "fast \(content.fast), slow \(content.slow): \(name) \(value)\(ranked)\(best)" }
        return "fast \(fastBins.label(x)), slow \(slowBins.label(y)): best \(name) \(value) of \(content.count), "
            + "at fast \(content.fast), slow \(content.slow)\(ranked)\(best)"
    }

    /// Ticks on both axes (at most `maxTicksPerAxis` labelled), and what each axis is.
    func axes(fastBins: Bins, slowBins: Bins, cell: Int, left: Int, top: Int) -> String {
        let bottom = top + slowBins.count * cell
        var svg = ""
        for bin in ChartTicks.indices(fastBins.count, count: Self.maxTicksPerAxis) {
            let x = left + bin * cell + cell / 2
            svg += #"<line x1="\#(x)" y1="\#(bottom)" x2="\#(x)" y2="\#(bottom + 4)" class="tick"/>"#
            svg += #"<text x="\#(x)" y="\#(bottom + 17)" text-anchor="middle" class="axis">\#(fastBins.first(bin))</text>"#
        }
        for bin in ChartTicks.indices(slowBins.count, count: Self.maxTicksPerAxis) {
            let y = top + (slowBins.count - 1 - bin) * cell + cell / 2
            svg += #"<line x1="\#(left - 4)" y1="\#(y)" x2="\#(left)" y2="\#(y)" class="tick"/>"#
            svg += #"<text x="\#(left - 7)" y="\#(y + 4)" text-anchor="end" class="axis">\#(slowBins.first(bin))</text>"#
        }
        let middle = left + fastBins.count * cell / 2
        svg += #"<text x="\#(middle)" y="\#(bottom + 34)" text-anchor="middle" class="axis title">fast period</text>"#
        let centre = top + slowBins.count * cell / 2
        svg +=
            #"<text x="14" y="\#(centre)" text-anchor="middle" class="axis title" transform="rotate(-90 14 \#(centre))">slow period</text>"#
        return svg
    }

    /// The colour scale with its title (the metric and unit) and five labelled values; a diverging
    /// scale names its centre.
    func colourBar(_ scale: HeatmapScale, domain: ClosedRange<Double>, x: Int, y: Int) -> String {
        let barWidth = 240
        var svg = #"<text x="\#(x)" y="\#(y - 5)" class="axis title">\#(ChartText.escape(scale.title))</text>"#
        svg += ##"<rect x="\##(x)" y="\##(y)" width="\##(barWidth)" height="12" fill="url(#\##(id)-scale)" stroke="#8c959f" stroke-width="0.5"/>"##
        for step in 0...4 {
            let fraction = Double(step) / 4
            let value = domain.lowerBound + (domain.upperBound - domain.lowerBound) * fraction
            var text = Self.format(value)
            if step == 2, case .diverging(let centre, let centreLabel) = scale.kind {
                text = centreLabel == Self.format(centre) ? centreLabel : "\(centreLabel) \(Self.format(centre))"
            }
            let tickX = x + Int(Double(barWidth) * fraction)
            let anchor = step == 0 ? "start" : (step == 4 ? "end" : "middle")
            svg += #"<line x1="\#(tickX)" y1="\#(y + 12)" x2="\#(tickX)" y2="\#(y + 16)" class="tick"/>"#
            svg += #"<text x="\#(tickX)" y="\#(y + 29)" text-anchor="\#(anchor)" class="axis">\#(ChartText.escape(text))</text>"#
        }
        return svg
    }

    func gradient(_ scale: HeatmapScale) -> String {
        let stops = scale.stops.enumerated().map { index, colour in
            #"<stop offset="\#(Double(index) / Double(scale.stops.count - 1))" stop-color="\#(colour)"/>"#
        }
        return #"<linearGradient id="\#(id)-scale">\#(stops.joined())</linearGradient>"#
    }

    var hatchPattern: String {
        #"<pattern id="\#(id)-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"#
            + ##"<line x1="0" y1="0" x2="0" y2="5" stroke="#1b1f24" stroke-opacity="0.6" stroke-width="1.6"/></pattern>"##
    }

    /// What the marks mean, listing only the marks the chart has.
    func legend(cells: [Cell]) -> String {
        var items: [String] = []
        if let cell = cells.first(where: \.isBest) {
            let at = best.map { "fast \($0.fast), slow \($0.slow)" } ?? "fast \(cell.fast), slow \(cell.slow)"
            items.append(
                #"<li><span class="swatch swatch-best" aria-hidden="true"></span>Outlined: \#(ChartText.escape(bestDescription)) (\#(at))</li>"#)
        }
        let unranked = cells.filter { !$0.isRanked }.count
        if unranked > 0 {
            items.append(
                #"<li><span class="swatch swatch-unranked" aria-hidden="true"></span>Hatched (\#(unranked) of \#(cells.count)): "#
                    + "\(ChartText.escape(unrankedReason)); shown, but never chosen as best</li>")
        }
        let blank = cells.filter(\.value.isNaN).count
        if blank > 0 {
            items.append(
                #"<li><span class="swatch swatch-blank" aria-hidden="true"></span>Blank (\#(blank) of \#(cells.count)): "#
                    + "no value: \(ChartText.escape(name)) is not a number there (no trades, or none closed)</li>")
        }
        return items.isEmpty ? "" : #"<ul class="chart-legend">\#(items.joined())</ul>"#
    }

    /// The better of two values (NaN loses to any number).
    func better(_ a: Double, than b: Double) -> Bool {
        if a.isNaN { return false }
        if b.isNaN { return true }
        return lowerIsBetter ? a < b : a > b
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

        func first(_ bin: Int) -> Int { periods[bin * size] }

        /// `12` for a bin of one period, `12–15` for a wider one.
        func label(_ bin: Int) -> String {
            let last = periods[min(periods.count, (bin + 1) * size) - 1]
            return first(bin) == last ? "\(last)" : "\(first(bin))–\(last)"
        }
    }

    /// The text size that shows about 11 px high once a chart `width` wide shrinks to a phone's
    /// 358 px (390 less the page's margins).
    static func phoneFont(_ width: Int) -> Int { max(11, Int((11 * Double(width) / 358).rounded())) }

    static func format(_ value: Double) -> String {
        value.isFinite
            ? String(format: "%.3g", value).replacingOccurrences(of: "-", with: "−") : (value.isNaN ? "n/a" : (value > 0 ? "∞" : "−∞"))
    }

}
