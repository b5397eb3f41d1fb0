import Foundation

/// The best combination's portfolio value against buy-and-hold, and its drawdown below, as one
/// SVG drawn on the server. Long series are thinned to at most `maxPoints` per line (keeping
/// every bucket's lowest and highest value, so drawdowns are not smoothed away).
public struct EquityChart: Sendable {
    public var width = 760
    public var equityHeight = 220
    public var drawdownHeight = 110
    public var maxPoints = 600

    public init() {}

    public func svg(dates: [String], strategy: [Double], buyAndHold: [Double]) -> String {
        let count = min(dates.count, strategy.count, buyAndHold.count)
        guard count >= 2 else { return "<p>Not enough bars to chart.</p>" }
        let (left, right, top, gap) = (64, 12, 10, 34)
        let plotWidth = width - left - right
        let values = strategy.prefix(count) + buyAndHold.prefix(count)
        let (low, high) = (values.min() ?? 0, values.max() ?? 1)
        let drawdown = Self.drawdown(Array(strategy.prefix(count)))
        let deepest = min(drawdown.min() ?? 0, -0.0001)
        let height = top + equityHeight + gap + drawdownHeight + 28
        func x(_ index: Int) -> Double { Double(left) + Double(index) / Double(count - 1) * Double(plotWidth) }
        func yEquity(_ value: Double) -> Double {
            Double(top) + (1 - (value - low) / max(high - low, 1e-12)) * Double(equityHeight)
        }
        let drawdownTop = top + equityHeight + gap
        func yDrawdown(_ value: Double) -> Double { Double(drawdownTop) + value / deepest * Double(drawdownHeight) }
        func path(_ series: [Double], _ y: (Double) -> Double) -> String {
            thinned(series).map { index in String(format: "%.1f,%.1f", x(index), y(series[index])) }.joined(separator: " ")
        }
        var svg =
            #"<svg xmlns="http://www.w3.org/2000/svg" class="equity" role="img" viewBox="0 0 \#(width) \#(height)" "#
            + #"width="\#(width)" height="\#(height)" aria-label="equity of the best combination against buy and hold, and its drawdown">"#
        svg +=
            ##"<polyline class="buy-and-hold" fill="none" stroke="#8c959f" stroke-width="1.2" points="\##(path(Array(buyAndHold.prefix(count)), yEquity))"/>"##
        svg +=
            ##"<polyline class="strategy" fill="none" stroke="#1f6feb" stroke-width="1.6" points="\##(path(Array(strategy.prefix(count)), yEquity))"/>"##
        let area = path(drawdown, yDrawdown)
        svg +=
            ##"<polygon class="drawdown" fill="#cf222e" fill-opacity="0.35" points="\##(left),\##(drawdownTop) \##(area) \##(left + plotWidth),\##(drawdownTop)"/>"##
        // Labels: value range, the drawdown's depth, the first and last dates, and the legend.
        svg += #"<text x="\#(left - 6)" y="\#(top + 10)" text-anchor="end" class="axis">\#(Self.format(high))</text>"#
        svg += #"<text x="\#(left - 6)" y="\#(top + equityHeight)" text-anchor="end" class="axis">\#(Self.format(low))</text>"#
        svg += #"<text x="\#(left - 6)" y="\#(drawdownTop + 10)" text-anchor="end" class="axis">0%</text>"#
        svg +=
            #"<text x="\#(left - 6)" y="\#(drawdownTop + drawdownHeight)" text-anchor="end" class="axis">\#(String(format: "%.1f%%", deepest * 100))</text>"#
        svg += #"<text x="\#(left)" y="\#(height - 6)" class="axis">\#(Self.escape(dates[0]))</text>"#
        svg += #"<text x="\#(left + plotWidth)" y="\#(height - 6)" text-anchor="end" class="axis">\#(Self.escape(dates[count - 1]))</text>"#
        svg += ##"<text x="\##(left + 8)" y="\##(top + 14)" class="axis" fill="#1f6feb">— best combination</text>"##
        svg += #"<text x="\#(left + 150)" y="\#(top + 14)" class="axis">— buy and hold</text>"#
        svg += #"<text x="\#(left + 8)" y="\#(drawdownTop - 6)" class="axis">drawdown of the best combination</text>"#
        return svg + "</svg>"
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

    static func format(_ value: Double) -> String { String(format: "%.0f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
