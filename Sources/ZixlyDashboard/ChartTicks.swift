import Foundation
import ZixlyCore

/// Where a chart's axis gets its labels: round numbers, a handful of them.
enum ChartTicks {
    /// Multiples of 1, 2 or 5 × 10ⁿ inside `low…high`, about `count` of them (at least the ends'
    /// neighbours when the range is narrow).
    static func linear(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite, high > low, count > 0 else { return low.isFinite ? [low] : [] }
        let rough = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        var ticks: [Double] = []
        var tick = (low / step).rounded(.up) * step
        while tick <= high + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return ticks
    }

    /// For a logarithmic axis: 1, 2 and 5 × 10ⁿ inside `low…high` (both positive), thinned to
    /// powers of ten when there are more than `count`.
    static func logarithmic(_ low: Double, _ high: Double, count: Int = 6) -> [Double] {
        guard low > 0, high > low, low.isFinite, high.isFinite else { return [] }
        var ticks: [Double] = []
        for exponent in Int(floor(log10(low)))...Int(ceil(log10(high))) {
            for mantissa in [1.0, 2, 5] {
                let tick = mantissa * pow(10, Double(exponent))
                if tick >= low && tick <= high { ticks.append(tick) }
            }
        }
        if ticks.count > count {
            let powers = ticks.filter { abs(log10($0).rounded() - log10($0)) < 1e-9 }
            if powers.count >= 2 { return powers }
        }
        return ticks.count >= 2 ? ticks : [low, high]
    }

    /// `count` indices spread evenly over `0..<total`, first and last included.
    static func indices(_ total: Int, count: Int) -> [Int] {
        guard total > 1 else { return total == 1 ? [0] : [] }
        let wanted = min(count, total)
        guard wanted > 1 else { return [0] }
        return Array(Set((0..<wanted).map { Int((Double($0) * Double(total - 1) / Double(wanted - 1)).rounded()) })).sorted()
    }

    /// A tick's label: no trailing zeros, thousands grouped (1,200; 0.25; −3).
    static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 {
            return (value < 0 ? "−" : "") + NumberText.grouped(Int(abs(value)))
        }
        return String(format: "%.4g", value).replacingOccurrences(of: "-", with: "−")
    }
}
