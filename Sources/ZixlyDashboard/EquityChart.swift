import Foundation

/// A combination's portfolio value against buy-and-hold, and its drawdown in a panel below on the
/// same time axis, as one SVG drawn on the server, with its legend and read-out line in HTML.
/// Both start at 100: the y axis is the value of 100 invested, on a linear or logarithmic scale,
/// with gridlines at round values and dates along the bottom. The page's chart script reads out
/// the date and both values under the pointer (or, with the chart focused, the arrow keys).
/// Long series are thinned to at most `maxPoints` per line, keeping every bucket's lowest and
/// highest value so drawdowns are not smoothed away.
public struct EquityChart: Sendable {
    public var width = 760
    public var equityHeight = 240
    public var drawdownHeight = 110
    public var maxPoints = 600
    /// A logarithmic value axis (equal heights for equal ratios); falls back to linear when a
    /// value is not positive.
    public var logScale = false
    /// The strategy line's name in the legend and read-out.
    public var strategyName = "best combination"
    /// Distinguishes the ids of two charts on one page.
    public var id = "equity"

    public init() {}

    static let strategyColour = "#1f6feb"
    static let holdColour = "#6e7781"
    static let drawdownColour = "#cf222e"

    /// Layout: margins and the two panels' tops.
    struct Frame {
        let left = 72
        let right = 14
        let top = 10
        let gap = 30
        let width: Int
        let equityHeight: Int
        let drawdownHeight: Int
        var plotWidth: Int { width - left - right }
        var drawdownTop: Int { top + equityHeight + gap }
        var bottom: Int { drawdownTop + drawdownHeight }
        var height: Int { bottom + 34 }
    }

    public func figure(dates: [String], strategy: [Double], buyAndHold: [Double]) -> String {
        let count = min(dates.count, strategy.count, buyAndHold.count)
        guard count >= 2 else { return "<p>Not enough bars to chart.</p>" }
        let (strategy, buyAndHold) = (Array(strategy.prefix(count)), Array(buyAndHold.prefix(count)))
        let frame = Frame(width: width, equityHeight: equityHeight, drawdownHeight: drawdownHeight)
        let finite = (strategy + buyAndHold).filter(\.isFinite)
        let (low, high) = (finite.min() ?? 0, max(finite.max() ?? 1, (finite.min() ?? 0) + 1e-9))
        let logarithmic = logScale && low > 0
        let drawdown = Self.drawdown(strategy)
        let deepest = min(drawdown.min() ?? 0, -0.0001)
        func x(_ index: Int) -> Double { Double(frame.left) + Double(index) / Double(count - 1) * Double(frame.plotWidth) }
        func yEquity(_ value: Double) -> Double {
            let fraction = logarithmic ? (log(value) - log(low)) / (log(high) - log(low)) : (value - low) / (high - low)
            return Double(frame.top) + (1 - fraction) * Double(equityHeight)
        }
        func yDrawdown(_ value: Double) -> Double { Double(frame.drawdownTop) + value / deepest * Double(drawdownHeight) }
        let points = thinned(strategy)
        func path(_ series: [Double], _ y: (Double) -> Double) -> String {
            thinned(series).map { String(format: "%.1f,%.1f", x($0), y(series[$0])) }.joined(separator: " ")
        }
        let readout = "\(id)-readout"
        var svg =
            #"<svg xmlns="http://www.w3.org/2000/svg" id="\#(id)" class="equity" role="img" tabindex="0" viewBox="0 0 \#(width) \#(frame.height)" "#
            + #"width="\#(width)" height="\#(frame.height)" style="--phone-font: \#(Heatmap.phoneFont(width))px" aria-describedby="\#(readout)" "#
            + #"aria-label="value of 100 invested in \#(ChartText.escape(strategyName)) against buying and holding, and its drawdown" "#
            + #"data-readout="\#(readout)" data-name="\#(ChartText.escape(strategyName))" data-points="\#(ChartText.escape(hoverPoints(points, x: x, dates: dates, strategy, buyAndHold, drawdown)))">"#
        // Gridlines and value labels first, so the lines draw over them.
        let valueTicks = logarithmic ? ChartTicks.logarithmic(low, high) : ChartTicks.linear(low, high)
        for tick in valueTicks {
            let y = yEquity(tick)
            svg += gridline(y: y, frame: frame) + label(ChartTicks.label(tick), x: frame.left - 6, y: y + 4, anchor: "end")
        }
        for tick in ChartTicks.linear(deepest * 100, 0, count: 3) {
            let y = yDrawdown(tick / 100)
            svg += gridline(y: y, frame: frame) + label(ChartTicks.label(tick) + "%", x: frame.left - 6, y: y + 4, anchor: "end")
        }
        // Four dates: a phone's larger text still fits between them.
        for index in ChartTicks.indices(count, count: 4) {
            let position = x(index)
            svg += String(format: #"<line class="grid" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>"#, position, frame.top, position, frame.bottom)
            let anchor = index == 0 ? "start" : (index == count - 1 ? "end" : "middle")
            svg += label(ChartText.escape(dates[index]), x: Int(position), y: frame.bottom + 18, anchor: anchor)
        }
        svg += label("value of 100 invested\(logarithmic ? ", log scale" : "")", x: frame.left + 6, y: frame.top + 12, anchor: "start", title: true)
        svg += label("drawdown, %", x: frame.left + 6, y: frame.drawdownTop + drawdownHeight - 6, anchor: "start", title: true)
        svg +=
            #"<polyline class="buy-and-hold" fill="none" stroke="\#(Self.holdColour)" stroke-width="1.4" stroke-dasharray="5 3" points="\#(path(buyAndHold, yEquity))"/>"#
        svg +=
            #"<polyline class="strategy" fill="none" stroke="\#(Self.strategyColour)" stroke-width="1.8" points="\#(path(strategy, yEquity))"/>"#
        svg +=
            #"<polygon class="drawdown" fill="\#(Self.drawdownColour)" fill-opacity="0.35" points="\#(frame.left),\#(frame.drawdownTop) \#(path(drawdown, yDrawdown)) \#(frame.left + frame.plotWidth),\#(frame.drawdownTop)"/>"#
        svg += #"<line class="cursor" x1="0" y1="\#(frame.top)" x2="0" y2="\#(frame.bottom)" visibility="hidden"/>"#
        svg += "</svg>"
        let scaleNote = logScale && !logarithmic ? " (a value at or below 0 rules out the log scale)" : ""
        return svg + #"<p id="\#(readout)" class="readout muted" aria-live="polite">"#
            + "Point at the chart, or focus it and use the arrow keys, to read a date's values\(scaleNote).</p>"
            + #"<ul class="chart-legend"><li><span class="swatch swatch-strategy" aria-hidden="true"></span>\#(ChartText.escape(strategyName))</li>"#
            + #"<li><span class="swatch swatch-hold" aria-hidden="true"></span>buy and hold</li>"#
            + #"<li><span class="swatch swatch-drawdown" aria-hidden="true"></span>drawdown of \#(ChartText.escape(strategyName))</li></ul>"#
    }

    func gridline(y: Double, frame: Frame) -> String {
        String(format: #"<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>"#, frame.left, y, frame.left + frame.plotWidth, y)
    }

    func label(_ text: String, x: Int, y: Double, anchor: String, title: Bool = false) -> String {
        String(format: #"<text x="%d" y="%.1f" text-anchor="%@" class="axis%@">%@</text>"#, x, y, anchor, title ? " title" : "", text)
    }

    func label(_ text: String, x: Int, y: Int, anchor: String, title: Bool = false) -> String {
        label(text, x: x, y: Double(y), anchor: anchor, title: title)
    }

    /// What the read-out shows at each drawn point: [x, date, strategy, buy and hold, drawdown %].
    func hoverPoints(
        _ points: [Int], x: (Int) -> Double, dates: [String], _ strategy: [Double], _ buyAndHold: [Double], _ drawdown: [Double]
    ) -> String {
        func number(_ value: Double) -> String { value.isFinite ? String(format: "%.2f", value) : "null" }
        let entries = points.map { index in
            let date = dates[index].replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return
                "[\(String(format: "%.1f", x(index))),\"\(date)\",\(number(strategy[index])),\(number(buyAndHold[index])),\(number(drawdown[index] * 100))]"
        }
        return "[" + entries.joined(separator: ",") + "]"
    }

    /// Value ÷ running maximum − 1 at every bar (0 at a new high, negative below it).
    static func drawdown(_ curve: [Double]) -> [Double] {
        var peak = -Double.infinity
        return curve.map { value in
            peak = max(peak, value)
            return peak > 0 ? value / peak - 1 : 0
        }
    }

    /// The indices to draw: all of them for a short series; for a long one, each bucket's first,
    /// lowest and highest bar (in order), and the last bar.
    func thinned(_ series: [Double]) -> [Int] {
        let count = series.count
        guard count > maxPoints else { return Array(0..<count) }
        let bucket = Int((Double(count) / Double(maxPoints / 3)).rounded(.up))
        var indices: Set<Int> = [count - 1]
        for start in stride(from: 0, to: count, by: bucket) {
            let range = start..<min(count, start + bucket)
            indices.insert(range.lowerBound)
            if let lowest = range.min(by: { series[$0] < series[$1] }) { indices.insert(lowest) }
            if let highest = range.max(by: { series[$0] < series[$1] }) { indices.insert(highest) }
        }
        return indices.sorted()
    }
}
