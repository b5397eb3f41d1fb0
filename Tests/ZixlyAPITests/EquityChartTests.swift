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

    @Test("both lines span the plot; the higher value sits higher; dates and the deepest drawdown are labelled")
    func layout() {
        let dates = ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"]
        let svg = EquityChart().svg(dates: dates, strategy: [100, 120, 90, 130], buyAndHold: [100, 101, 102, 103])
        let strategy = Self.points(svg, "strategy")
        #expect(strategy.count == 4)
        #expect(strategy.first?.0 == 64 && strategy.last?.0 == 748, "from the left margin to the right edge")
        #expect(strategy[3].1 < strategy[1].1 && strategy[1].1 < strategy[2].1, "130 above 120 above 90")
        #expect(svg.contains(">2020-01-01<") && svg.contains(">2020-01-04<"))
        #expect(svg.contains(">-25.0%<"), "120 → 90 is the deepest drawdown")
        #expect(svg.contains(#"class="buy-and-hold""#) && svg.contains(#"class="drawdown""#))
    }

    @Test("a long series is thinned to a few hundred points without losing its lowest and highest bars")
    func thinning() {
        let count = 20_000
        var curve = (0..<count).map { 100 + sin(Double($0) / 50) * 10 }
        curve[12_345] = 40  // a crash that must stay visible
        curve[7_777] = 200
        let chart = EquityChart()
        let svg = chart.svg(dates: (0..<count).map { "d\($0)" }, strategy: curve, buyAndHold: Array(repeating: 100, count: count))
        let strategy = Self.points(svg, "strategy")
        #expect(strategy.count <= chart.maxPoints + 2 && strategy.count > 100)
        let ys = strategy.map(\.1)
        let lowest = ys.max()
        let highest = ys.min()
        #expect(lowest == 230 && highest == 10, "the crash reaches the bottom, the spike the top")
    }

    @Test("fewer than two bars draw no chart")
    func tooShort() {
        #expect(EquityChart().svg(dates: ["x"], strategy: [100], buyAndHold: [100]) == "<p>Not enough bars to chart.</p>")
    }
}
