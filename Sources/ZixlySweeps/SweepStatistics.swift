import Foundation
public import SweepEngine
public import ZixlyCore

/// Summary figures over a sweep's rows (the results endpoint's `statistics`).
public struct SweepStatistics: Sendable, Equatable, Codable {
    public var totalCombinations: Int
    public var rankedCombinations: Int
    public var bestSharpe: Double?
    public var bestTotalReturnPct: Double?
    /// The smallest maximum drawdown among ranked rows.
    public var shallowestDrawdownPct: Double?
    public var averageSharpe: Double?
    public var averageTotalReturnPct: Double?
    public var averageWinRatePct: Double?

    /// Computed over ranked rows (all rows if none is ranked), skipping non-finite values.
    public init(rows: [CombinationMetrics]) {
        totalCombinations = rows.count
        let ranked = rows.filter(\.isRanked)
        rankedCombinations = ranked.count
        let basis = ranked.isEmpty ? rows : ranked
        func finite(_ values: [Double]) -> [Double] { values.filter(\.isFinite) }
        func average(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        bestSharpe = finite(basis.map(\.sharpeRatio)).max()
        bestTotalReturnPct = finite(basis.map(\.totalReturnPct)).max()
        shallowestDrawdownPct = finite(basis.map(\.maxDrawdownPct)).min()
        averageSharpe = average(finite(basis.map(\.sharpeRatio)))
        averageTotalReturnPct = average(finite(basis.map(\.totalReturnPct)))
        averageWinRatePct = average(finite(basis.map(\.winRatePct)))
    }

    public var json: JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        return [
            "total_combinations": .number(Double(totalCombinations)),
            "ranked_combinations": .number(Double(rankedCombinations)),
            "best_sharpe": number(bestSharpe),
            "best_total_return_pct": number(bestTotalReturnPct),
            "shallowest_drawdown_pct": number(shallowestDrawdownPct),
            "average_sharpe": number(averageSharpe),
            "average_total_return_pct": number(averageTotalReturnPct),
            "average_win_rate_pct": number(averageWinRatePct),
        ]
    }
}

extension SweepStatistics {
    /// As stored beside its run (JSON).
    public static func stored(_ statistics: SweepStatistics) -> String {
        (try? JSONEncoder().encode(statistics)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// From its stored JSON; nil if it does not parse.
    public init?(stored text: String) {
        guard let value = try? JSONDecoder().decode(SweepStatistics.self, from: Data(text.utf8)) else { return nil }
        self = value
    }
}
