import Foundation
import Testing
import ZixlyDashboard

/// The best combination's equity against buy-and-hold, and its drawdown, drawn on the server.
@Suite("Equity chart SVG")
struct EquityChartTests {
    static func points(_ svg: String, _ polyline: String) -> [(Double, Double)] {
        guard let start = svg.range(of: #"class="\#(polyline)""#),
            let open = svg.range(of: #"points=""#, range: start.upperBound..<svg.endIndex)
        else { return [] }
        return svg[open.upperBound...].prefix { $0 != "\"" }.split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").compactMap { Double($0) }
            return (xy[0], xy[1])
        }
    }

    @Test("both lines span the plot; the higher value sits higher; round values and dates are labelled with gridlines; the legend names the series")
    func layout() {
        let dates = ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"]
        var chart = EquityChart()
        chart.strategyName = "fast 10 / slow 40, the best ranked"
        let svg = chart.figure(dates: dates, strategy: [100, 120, 90, 130], buyAndHold: [100, 101, 102, 103])
        let strategy = Self.points(svg, "strategy")
        #expect(strategy.count == 4)
        #expect(strategy.first?.0 == 72 && strategy.last?.0 == 746, "from the left margin to the right edge")
        #expect(strategy[3].1 < strategy[1].1 && strategy[1].1 < strategy[2].1, "130 above 120 above 90")
        #expect(svg.contains(">2020-01-01<") && svg.contains(">2020-01-04<"))
        for label in [">90<", ">100<", ">110<", ">120<", ">130<", ">−20%<", ">−10%<", ">0%<", ">value of 100 invested<"] {
            #expect(svg.contains(label), "\(label)")
        }
        #expect(svg.components(separatedBy: #"class="grid""#).count - 1 >= 9, "gridlines at every labelled value and date")
        #expect(svg.contains(#"class="buy-and-hold""#) && svg.contains(#"class="drawdown""#))
        #expect(svg.contains("swatch-strategy\" aria-hidden=\"true\"></span>fast 10 / slow 40, the best ranked</li>"))
        #expect(svg.contains(#"data-points="[[72.0,&quot;2020-01-01&quot;,100.00,100.00,0.00],"#), "the read-out's points")
    }

    @Test("on a log scale equal ratios take equal heights; a value at or below 0 keeps the scale linear and says why")
    func logarithmic() {
        var chart = EquityChart()
        chart.logScale = true
        let svg = chart.figure(dates: ["a", "b", "c", "d"], strategy: [100, 200, 500, 1000], buyAndHold: [100, 100, 100, 100])
        let ys = Self.points(svg, "strategy").map(\.1)
        #expect(abs((ys[0] - ys[1]) - (ys[2] - ys[3])) < 0.2, "100 → 200 rises as far as 500 → 1,000: \(ys)")
        #expect(svg.contains(">1,000<") && svg.contains(">value of 100 invested, log scale<"))
        let negative = chart.figure(dates: ["a", "b"], strategy: [100, -5], buyAndHold: [100, 100])
        #expect(negative.contains("rules out the log scale") && !negative.contains("log scale<"))
    }

    @Test("a long series is thinned to a few hundred points without losing its lowest and highest bars")
    func thinning() {
        let count = 20_000
        var curve = (0..<count).map { 100 + sin(Double($0) / 50) * 10 }
        curve[12_345] = 40  // a crash that must stay visible
        curve[7_777] = 200
        let chart = EquityChart()
        let svg = chart.figure(dates: (0..<count).map { "d\($0)" }, strategy: curve, buyAndHold: Array(repeating: 100, count: count))
        let strategy = Self.points(svg, "strategy")
        #expect(strategy.count <= chart.maxPoints + 2 && strategy.count > 100)
        let ys = strategy.map(\.1)
        let lowest = ys.max()
        let highest = ys.min()
        #expect(lowest == 250 && highest == 10, "the crash reaches the bottom, the spike the top")
    }

    @Test("fewer than two bars draw no chart")
    func tooShort() {
        #expect(EquityChart().figure(dates: ["x"], strategy: [100], buyAndHold: [100]) == "<p>Not enough bars to chart.</p>")
    }
}
