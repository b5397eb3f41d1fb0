import Foundation
import ZixlySweeps

/// What a heatmap's colours say about one metric: its name with its unit, and where its scale
/// is centred. Diverging metrics have a value that means something (a Sharpe of 0, the buy-and-hold
/// return, a profit factor of 1) and are coloured away from it on both sides, equally far for equal
/// distances; the others are coloured from light (lowest) to dark (highest).
struct HeatmapScale: Equatable {
    enum Kind: Equatable {
        /// Blue above `centre`, red below, white at it.
        case diverging(centre: Double, centreLabel: String)
        /// Light to dark blue, lowest to highest.
        case sequential
        /// Light to dark red, lowest to highest: more is worse (drawdown).
        case sequentialWorse
    }

    var kind: Kind
    /// The metric with its unit, as the colour bar's title.
    var title: String

    /// `buyAndHoldReturnPct` centres the total return's colours on what holding earned.
    static func of(_ metric: SweepSortKey, buyAndHoldReturnPct: Double? = nil) -> HeatmapScale {
        switch metric {
        case .score: HeatmapScale(kind: .diverging(centre: 0, centreLabel: "0"), title: "score: Sharpe × (1 − drawdown)")
        case .sharpeRatio: HeatmapScale(kind: .diverging(centre: 0, centreLabel: "0"), title: "Sharpe ratio, annualized")
        case .sortinoRatio: HeatmapScale(kind: .diverging(centre: 0, centreLabel: "0"), title: "Sortino ratio, annualized")
        case .totalReturnPct:
            if let hold = buyAndHoldReturnPct, hold.isFinite {
                HeatmapScale(kind: .diverging(centre: hold, centreLabel: "buy and hold"), title: "total return, %")
            } else {
                HeatmapScale(kind: .diverging(centre: 0, centreLabel: "0"), title: "total return, %")
            }
        case .annualizedReturn: HeatmapScale(kind: .diverging(centre: 0, centreLabel: "0"), title: "annualized return, a fraction a year")
        case .maxDrawdownPct: HeatmapScale(kind: .sequentialWorse, title: "max drawdown, % (lower is better)")
        case .winRatePct: HeatmapScale(kind: .diverging(centre: 50, centreLabel: "50"), title: "win rate, % of closed trades")
        case .profitFactor: HeatmapScale(kind: .diverging(centre: 1, centreLabel: "1"), title: "profit factor: gains ÷ losses")
        case .totalTrades: HeatmapScale(kind: .sequential, title: "trades")
        case .tradesPerMonth: HeatmapScale(kind: .sequential, title: "trades a month")
        case .avgTradeDuration: HeatmapScale(kind: .sequential, title: "average trade, bars")
        case .fastPeriod, .slowPeriod: HeatmapScale(kind: .sequential, title: metric.rawValue)
        }
    }

    /// The value range the colours span, from the finite values: for a diverging scale, symmetric
    /// about its centre, so that a colour means the same distance on either side.
    func domain(_ values: [Double]) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        let (low, high) = (finite.min() ?? 0, finite.max() ?? 0)
        guard case .diverging(let centre, _) = kind else { return low...max(high, low) }
        let reach = max(abs(low - centre), abs(high - centre), 1e-12)
        return (centre - reach)...(centre + reach)
    }

    /// A value's colour within `domain`; infinities take the end they point to, NaN has none.
    func colour(_ value: Double, domain: ClosedRange<Double>) -> String? {
        guard !value.isNaN else { return nil }
        let span = domain.upperBound - domain.lowerBound
        let fraction = span > 0 ? (value - domain.lowerBound) / span : 0.5
        return Self.colour(at: min(1, max(0, fraction)), stops: stops)
    }

    /// The gradient's stops, lowest value first.
    var stops: [String] {
        switch kind {
        case .diverging: Self.redWhiteBlue
        case .sequential: Self.whiteBlue
        case .sequentialWorse: Self.whiteRed
        }
    }

    /// ColorBrewer's RdBu (5 classes), safe for red–green colour blindness: red below, blue above.
    static let redWhiteBlue = ["#b2182b", "#ef8a62", "#f7f7f7", "#67a9cf", "#2166ac"]
    static let whiteBlue = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
    static let whiteRed = ["#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"]

    /// Linear interpolation between evenly spaced `stops` at `fraction` (0…1).
    static func colour(at fraction: Double, stops: [String]) -> String {
        let position = fraction * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        let (from, to) = (rgb(stops[index]), rgb(stops[index + 1]))
        let t = position - Double(index)
        let mixed = (0..<3).map { Int((Double(from[$0]) + (Double(to[$0]) - Double(from[$0])) * t).rounded()) }
        return String(format: "#%02x%02x%02x", mixed[0], mixed[1], mixed[2])
    }

    private static func rgb(_ hex: String) -> [Int] {
        let digits = Array(hex.dropFirst())
        return stride(from: 0, to: 6, by: 2).map { Int(String(digits[$0..<$0 + 2]), radix: 16) ?? 0 }
    }
}
