import Foundation
import SweepEngine
import Testing
import ZixlyCore
import ZixlyDashboard
import ZixlySweeps

/// The server-drawn heatmap: one cell per combination at its (fast, slow) place, coloured on a
/// colour-blind-safe scale centred where the metric means something, ticks on both axes, a
/// labelled colour bar, unranked cells hatched, blank ones explained, the best outlined.
@Suite("Heatmap SVG")
struct HeatmapTests {
    static func row(fast: Int, slow: Int, sharpe: Double, drawdown: Double, ranked: Bool = true) -> CombinationMetrics {
        CombinationMetrics(
            fastPeriod: fast, slowPeriod: slow, totalReturnPct: 0, annualizedReturn: 0, sharpeRatio: sharpe, sortinoRatio: 0,
            maxDrawdownPct: drawdown, winRatePct: 0, profitFactor: 0, totalTrades: 10, closedTrades: 10, tradesPerMonth: 0,
            avgTradeDuration: 0, score: 0, isRanked: ranked)
    }

    static let rows = [
        row(fast: 5, slow: 30, sharpe: 2.0, drawdown: 10), row(fast: 10, slow: 30, sharpe: -1, drawdown: 40),
        row(fast: 5, slow: 40, sharpe: .nan, drawdown: 20), row(fast: 10, slow: 40, sharpe: 0, drawdown: 30),
    ]

    static func cells(_ svg: String) -> [String] {
        svg.components(separatedBy: #"<rect class="cell" "#).dropFirst().map { String($0.prefix { $0 != ">" }) }
    }

    static func texts(_ svg: String) -> [String] {
        svg.components(separatedBy: "<text ").dropFirst().map { String($0.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" }) }
    }

    @Test("Sharpe diverges from 0: blue above, red below, white at 0, equally far for equal distances; NaN is blank; slow grows upwards")
    func colours() {
        let svg = Heatmap(metric: .sharpeRatio).figure(Self.rows)
        let cells = Self.cells(svg)
        #expect(cells.count == 4)
        #expect(cells[0].contains(##"fill="#2166ac""##), "a Sharpe of 2, the farthest from 0, is the darkest blue: \(cells[0])")
        #expect(cells[1].contains(##"fill="#ef8a62""##), "−1 is half as far below: the light red: \(cells[1])")
        #expect(cells[3].contains(##"fill="#f7f7f7""##), "0 is the centre's white: \(cells[3])")
        #expect(cells[2].contains(#"fill="transparent""#) && cells[2].contains("stroke-dasharray"), "NaN is blank with a dotted edge")
        #expect(svg.contains("<title>fast 10, slow 40: sharpe_ratio 0</title>"))
        let y30 = cells[0].components(separatedBy: #"y=""#)[1].prefix { $0 != "\"" }
        let y40 = cells[2].components(separatedBy: #"y=""#)[1].prefix { $0 != "\"" }
        #expect(Int(y30)! > Int(y40)!, "slow 30 is the bottom row, slow 40 the top one")
        #expect(!svg.contains("#1a9850") && !svg.contains("#d73027"), "no red–green palette")
        #expect(svg.contains("Blank (1 of 4)"), "the legend explains the blank cell")
    }

    @Test("drawdown runs from light (shallow) to dark red (deep); total return centres on buy and hold")
    func sequentialAndCentredOnHolding() {
        let cells = Self.cells(Heatmap(metric: .maxDrawdownPct).figure(Self.rows))
        #expect(cells[0].contains(##"fill="#fff5f0""##), "10%, the shallowest")
        #expect(cells[1].contains(##"fill="#67000d""##), "40%, the deepest")
        var heatmap = Heatmap(metric: .totalReturnPct)
        heatmap.buyAndHoldReturnPct = 20
        let values = [
            GridValue(fastPeriod: 5, slowPeriod: 30, value: 40), GridValue(fastPeriod: 10, slowPeriod: 30, value: 0),
            GridValue(fastPeriod: 5, slowPeriod: 40, value: 20),
        ]
        let svg = heatmap.figure(values)
        let returns = Self.cells(svg)
        #expect(returns[0].contains(##"fill="#2166ac""##) && returns[1].contains(##"fill="#b2182b""##), "beating holding is blue, trailing it red")
        #expect(returns[2].contains(##"fill="#f7f7f7""##), "earning what holding earned is white")
        #expect(Self.texts(svg).contains("buy and hold 20"), "the colour bar names its centre")
        #expect(Self.texts(svg).contains("total return, %"), "and its metric with the unit")
    }

    @Test("both axes have ticks, at most ten each, from the first period; the colour bar has five labelled values")
    func ticksAndColourBar() {
        var values: [GridValue] = []
        for fast in 2...20 {
            for slow in 21...60 { values.append(GridValue(fastPeriod: fast, slowPeriod: slow, value: Double(fast - slow) / 20 + 1)) }
        }
        let svg = Heatmap(metric: .sharpeRatio).figure(values)
        let texts = Self.texts(svg)
        let fastTicks = svg.components(separatedBy: #"text-anchor="middle" class="axis">"#).dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(fastTicks.contains("2") && fastTicks.contains("20"), "the fast axis is labelled at both ends: \(fastTicks)")
        #expect(texts.contains("21") && texts.contains("60"), "so is the slow axis")
        let ticks = svg.components(separatedBy: #"class="tick""#).count - 1
        #expect(ticks >= 12 && ticks <= 25, "ticks on both axes and the colour bar: \(ticks)")
        #expect(texts.contains("fast period") && texts.contains("slow period") && texts.contains("Sharpe ratio, annualized"))
        #expect(texts.contains("0"), "the Sharpe scale's centre is labelled 0: \(texts)")
    }

    @Test("unranked cells are hatched and counted in the legend; the best ranked one is outlined and named; cells link to their combination")
    func rankedBestAndLinks() {
        var heatmap = Heatmap(metric: .sharpeRatio)
        heatmap.best = (fast: 10, slow: 40)
        heatmap.unrankedReason = "fewer than 50 trades (min_trades), too few to rank"
        heatmap.combinationURL = "/jobs/j1/combinations/{fast}/{slow}"
        let rows = [
            Self.row(fast: 5, slow: 30, sharpe: 4.1, drawdown: 0, ranked: false), Self.row(fast: 10, slow: 30, sharpe: 1, drawdown: 5),
            Self.row(fast: 5, slow: 40, sharpe: 3, drawdown: 0, ranked: false), Self.row(fast: 10, slow: 40, sharpe: 1.5, drawdown: 5),
        ]
        let svg = heatmap.figure(rows)
        #expect(svg.components(separatedBy: #"<rect class="unranked""#).count - 1 == 2)
        #expect(svg.contains("Hatched (2 of 4): fewer than 50 trades (min_trades), too few to rank"))
        #expect(svg.components(separatedBy: #"<rect class="best""#).count - 1 == 1)
        #expect(svg.contains("Outlined: the best ranked combination (fast 10, slow 40)"))
        #expect(svg.contains("fast 5, slow 30: sharpe_ratio 4.1, not ranked"))
        #expect(svg.contains(#"data-href="/jobs/j1/combinations/{fast}/{slow}""#) && svg.contains(#"data-fast="10" data-slow="40""#))
        #expect(svg.contains(#"tabindex="0""#) && svg.contains(#"aria-live="polite""#), "focusable, with a read-out")
        #expect(!svg.contains("Blank ("), "no blank cells, no legend line for them")
    }

    @Test("no rows draws no chart")
    func empty() {
        #expect(Heatmap(metric: .score).figure([GridValue]()) == "<p>No results to chart.</p>")
    }

    @Test("a 124,750-combination grid is drawn in at most 60 × 60 bins, each with its best value (ranked first), in well under 1 MB")
    func binsLargeGrids() {
        var values: [GridValue] = []
        for fast in 1...499 {
            for slow in (fast + 1)...500 { values.append(GridValue(fastPeriod: fast, slowPeriod: slow, value: Double(fast + slow))) }
        }
        #expect(values.count == 124_750)
        let svg = Heatmap(metric: .sharpeRatio).figure(values)
        let cells = svg.components(separatedBy: #"<rect class="cell""#).count - 1
        #expect(cells <= 60 * 60 && cells > 1_000, "\(cells) cells")
        #expect(svg.utf8.count < 700_000, "\(svg.utf8.count) bytes")
        #expect(svg.contains("fast 496–499, slow 497–500: best sharpe_ratio 999 of 10, at fast 499, slow 500"), "the last bin reaches the grid's end")
        let drawdown = Heatmap(metric: .maxDrawdownPct).figure(values)
        #expect(drawdown.contains("fast 1–9, slow 2–10: best max_drawdown_pct 3 of 45, at fast 1, slow 2"), "for drawdown the lowest is best")
        // A bin whose best value is unranked shows its best ranked one.
        let mixed = [
            GridValue(fastPeriod: 1, slowPeriod: 2, value: 9, isRanked: false), GridValue(fastPeriod: 1, slowPeriod: 3, value: 1),
        ]
        let bins = (2...200).map { GridValue(fastPeriod: $0, slowPeriod: $0 + 300, value: 0) }
        let binned = Heatmap(metric: .sharpeRatio).figure(mixed + bins)
        #expect(binned.contains("at fast 1, slow 3") && !binned.contains("at fast 1, slow 2"), "the ranked 1 beats the unranked 9")
    }
}
