/// The spacing of a series' bars, read off its dates, and the periods per year it annualizes with.
public enum BarFrequency: String, Sendable, Equatable, CaseIterable {
    /// Bars less than an hour apart.
    case minute
    /// Bars an hour or more apart, within a day.
    case hourly
    case daily
    case weekly
    case monthly
    case quarterly
    case yearly
    /// A spacing none of the above: annualized by the bars the data holds per year.
    case irregular
    /// Dates that are not ISO dates, or fewer than two bars: annualized as trading days (252).
    case unknown
}

/// What a series' dates say about annualizing it.
public struct AnnualizationEstimate: Sendable, Equatable {
    public var frequency: BarFrequency
    /// Periods per year: Sharpe and Sortino multiply by its square root, annualized return raises to `barsPerYear / N`.
    public var barsPerYear: Double

    public init(frequency: BarFrequency, barsPerYear: Double) {
        self.frequency = frequency
        self.barsPerYear = barsPerYear
    }

    /// Every bar a trading day: what Zixly assumed before it read the dates.
    public static let tradingDays = AnnualizationEstimate(frequency: .unknown, barsPerYear: 252)
}

/// Reads bar times one at a time (an import streams millions) in bounded memory, and says which
/// `BarFrequency` they show:
/// - the typical spacing is the median gap between consecutive bars;
/// - a market trades 365 days a year if at least 5% of its bars fall on a Saturday (crypto), else
///   252 (stocks, and FX, which closes at weekends);
/// - daily bars: those trading days per year; weekly 52, monthly 12, quarterly 4, yearly 1;
/// - intraday bars (minute, hourly): the median number of bars on a day with any, times the
///   trading days;
/// - anything else: the bars per year the data actually holds (`(N − 1) / span in years`).
public struct BarSpacingObserver: Sendable {
    /// Distinct gaps remembered for the median; real data has a handful.
    static let maximumDistinctGaps = 4096
    private var gapCounts: [Int64: Int] = [:]
    private var barsPerDayCounts: [Int: Int] = [:]
    private var first: Int64?
    private var previous: Int64?
    private var currentDay: Int64?
    private var barsToday = 0
    private var bars = 0
    private var saturdayBars = 0

    public init() {}

    /// The next bar's time (seconds since 1970, as `BarTime.seconds` gives), oldest first.
    public mutating func observe(_ seconds: Int64) {
        bars += 1
        if BarTime.weekday(seconds) == 6 { saturdayBars += 1 }
        let day = BarTime.floorDivide(seconds, 86_400)
        if day == currentDay {
            barsToday += 1
        } else {
            if currentDay != nil { barsPerDayCounts[barsToday, default: 0] += 1 }
            currentDay = day
            barsToday = 1
        }
        if let previous {
            let gap = seconds - previous
            if gapCounts[gap] != nil || gapCounts.count < Self.maximumDistinctGaps { gapCounts[gap, default: 0] += 1 }
        } else {
            first = seconds
        }
        previous = seconds
    }

    public var estimate: AnnualizationEstimate {
        guard bars >= 2, let first, let previous, previous > first, let gap = Self.median(gapCounts) else { return .tradingDays }
        let tradingDays = Double(saturdayBars) >= 0.05 * Double(bars) ? 365.0 : 252.0
        let day: Int64 = 86_400
        var dayCounts = barsPerDayCounts
        if barsToday > 0 { dayCounts[barsToday, default: 0] += 1 }
        let barsPerDay = Double(Self.median(dayCounts.reduce(into: [Int64: Int]()) { $0[Int64($1.key)] = $1.value }) ?? 1)
        switch gap {
        case ..<3600: return AnnualizationEstimate(frequency: .minute, barsPerYear: barsPerDay * tradingDays)
        case ..<(20 * 3600): return AnnualizationEstimate(frequency: .hourly, barsPerYear: barsPerDay * tradingDays)
        case ...(4 * day): return AnnualizationEstimate(frequency: .daily, barsPerYear: tradingDays)
        case ...(10 * day): return AnnualizationEstimate(frequency: .weekly, barsPerYear: 52)
        case (20 * day)...(45 * day): return AnnualizationEstimate(frequency: .monthly, barsPerYear: 12)
        case (80 * day)...(100 * day): return AnnualizationEstimate(frequency: .quarterly, barsPerYear: 4)
        case (330 * day)...(400 * day): return AnnualizationEstimate(frequency: .yearly, barsPerYear: 1)
        default:
            let years = Double(previous - first) / (365.25 * Double(day))
            return AnnualizationEstimate(frequency: .irregular, barsPerYear: Double(bars - 1) / years)
        }
    }

    /// The lower median of a histogram's values.
    static func median(_ counts: [Int64: Int]) -> Int64? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        var seen = 0
        for key in counts.keys.sorted() {
            seen += counts[key]!
            if 2 * seen >= total { return key }
        }
        return nil
    }
}

extension PriceSeries {
    /// The spacing of these bars' dates and its periods per year (`BarSpacingObserver`); every
    /// bar a trading day when the dates are not ISO dates.
    public var annualization: AnnualizationEstimate {
        var observer = BarSpacingObserver()
        for date in dates {
            guard let seconds = BarTime.seconds(date.utf8) else { return .tradingDays }
            observer.observe(seconds)
        }
        return observer.estimate
    }
}
