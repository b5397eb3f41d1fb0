import Foundation
import SweepEngine
import Testing
import ZixlyCore
import ZixlyDashboard
import ZixlySweeps

/// The server-drawn heatmap: one cell per combination at its (fast, slow) place, coloured from
/// worst to best, with the values in tooltips.
@Suite("Heatmap SVG")
struct HeatmapTests {
    static func row(fast: Int, slow: Int, sharpe: Double, drawdown: Double) -> CombinationMetrics {
        CombinationMetrics(
            fastPeriod: fast, slowPeriod: slow, totalReturnPct: 0, annualizedReturn: 0, sharpeRatio: sharpe, sortinoRatio: 0,
            maxDrawdownPct: drawdown, winRatePct: 0, profitFactor: 0, totalTrades: 10, closedTrades: 10, tradesPerMonth: 0,
            avgTradeDuration: 0, score: 0, isRanked: true)
    }

    static let rows = [
        row(fast: 5, slow: 30, sharpe: 2.0, drawdown: 10), row(fast: 10, slow: 30, sharpe: 0.5, drawdown: 40),
        row(fast: 5, slow: 40, sharpe: .nan, drawdown: 20), row(fast: 10, slow: 40, sharpe: 1.25, drawdown: 30),
    ]

    static func cells(_ svg: String) -> [String] {
        svg.components(separatedBy: #"<rect class="cell" "#).dropFirst().map { String($0.prefix { $0 != ">" }) }
    }

    @Test("best in green, worst in red, not-a-number in grey; the slow axis grows upwards")
    func colours() {
        let svg = Heatmap(metric: .sharpeRatio).svg(Self.rows)
        let cells = Self.cells(svg)
        #expect(cells.count == 4)
        #expect(cells[0].contains(#"fill="\#(Heatmap.colourForTests(1))""#), "fast 5 slow 30 has the best Sharpe")
        #expect(cells[1].contains(#"fill="\#(Heatmap.colourForTests(0))""#), "fast 10 slow 30 has the worst")
        #expect(cells[2].contains(##"fill="#9e9e9e""##), "NaN is grey")
        #expect(svg.contains("<title>fast 10, slow 40: sharpe_ratio 1.25</title>"))
        // slow 30 is the bottom row, slow 40 the top one.
        let y30 = cells[0].components(separatedBy: #"y=""#)[1].prefix { $0 != "\"" }
        let y40 = cells[2].components(separatedBy: #"y=""#)[1].prefix { $0 != "\"" }
        #expect(Int(y30)! > Int(y40)!)
    }

    @Test("for drawdown the lowest is best")
    func drawdownInverted() {
        let cells = Self.cells(Heatmap(metric: .maxDrawdownPct).svg(Self.rows))
        #expect(cells[0].contains(#"fill="\#(Heatmap.colourForTests(1))""#), "10% drawdown is the best")
        #expect(cells[1].contains(#"fill="\#(Heatmap.colourForTests(0))""#), "40% drawdown is the worst")
    }

    @Test("no rows draws no chart")
    func empty() {
        #expect(Heatmap(metric: .score).svg([GridValue]()) == "<p>No results to chart.</p>")
    }

    @Test("a 124,750-combination grid is drawn in at most 60 × 60 bins, each with its best value, in well under 1 MB")
    func binsLargeGrids() {
        var values: [GridValue] = []
        for fast in 1...499 {
            for slow in (fast + 1)...500 { values.append(GridValue(fastPeriod: fast, slowPeriod: slow, value: Double(fast + slow))) }
        }
        #expect(values.count == 124_750)
        let svg = Heatmap(metric: .sharpeRatio).svg(values)
        let cells = svg.components(separatedBy: #"<rect class="cell""#).count - 1
        #expect(cells <= 60 * 60 && cells > 1_000, "\(cells) cells")
        #expect(svg.utf8.count < 500_000, "\(svg.utf8.count) bytes")
        #expect(svg.contains("fast 496–499, slow 497–500: best sharpe_ratio 999 of 10"), "the last bin reaches the grid's end, with its best")
        let drawdown = Heatmap(metric: .maxDrawdownPct).svg(values)
        #expect(drawdown.contains("fast 1–9, slow 2–10: best max_drawdown_pct 3 of 45"), "for drawdown the lowest is best")
    }
}
