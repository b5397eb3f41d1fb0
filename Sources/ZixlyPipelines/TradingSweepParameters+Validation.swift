import Foundation
import SweepEngine
public import ZixlyCore
import ZixlyDatasets

extension TradingSweepParameters {
    /// Validates a request body's form: every field's type and range. Whether the ticker has
    /// data is the job type's question (`TradingSweepJobType.accept`), asked of the tenant's
    /// datasets. `externalConfigured`: whether this server has an external trading API.
    /// - Throws: `ValidationErrors` with one message per bad field.
    public init(validating body: JSONValue, externalConfigured: Bool = false) throws(ValidationErrors) {
        guard case .object(let object) = body else { throw ValidationErrors(fields: ["body": "must be a JSON object"]) }
        var errors: [String: String] = [:]
        let allowed: Set = [
            "ticker", "tickers", "max_failed_tickers", "dataset_version", "bars_per_year", "pbo_blocks", "walk_forward", "fast_range", "slow_range",
            "step", "min_trades",
            "strategy_type",
            "config_path",
            "fees_bps",
            "slippage_bps", "executor",
        ]
        for key in object.keys where !allowed.contains(key) {
            errors[key] = "unknown field"
        }

        var executor = SweepExecutorKind.builtin
        switch object["executor"] {
        case nil, .null?: break
        case .string(let text) where SweepExecutorKind(rawValue: text) != nil:
            executor = SweepExecutorKind(rawValue: text)!
            if executor == .external && !externalConfigured {
                errors["executor"] = "'external' needs a trading API on this server (ZIXLY_TRADING_API_URL)"
            }
        default: errors["executor"] = "must be 'builtin' or 'external'"
        }

        var ticker = ""
        switch object["ticker"] {
        case .string(let text):
            if let problem = MarketDataDirectory.tickerProblem(text) { errors["ticker"] = problem }
            ticker = text.uppercased()
        case nil, .null?: if object["tickers"] == nil || object["tickers"] == .null { errors["ticker"] = "is required (or tickers, a list of them)" }
        default: errors["ticker"] = "must be a string"
        }
        let universe = Self.universe(object, errors: &errors)
        if universe != nil {
            if !ticker.isEmpty { errors["tickers"] = "give ticker or tickers, not both" }
            if executor == .external { errors["tickers"] = "the external executor sweeps one ticker at a time" }
            if object["dataset_version"].map({ $0 != .null }) == true {
                errors["dataset_version"] = "names one ticker's version; a sweep of many tickers runs on each one's newest"
            }
        }

        var datasetVersion: Int?
        switch object["dataset_version"] {
        case nil, .null?: break
        case let value?:
            if let number = value.intValue, number >= 0 {
                datasetVersion = number
                if executor == .external { errors["dataset_version"] = "the external executor has its own data; leave dataset_version out" }
            } else {
                errors["dataset_version"] = "must be a whole number, 0 or more (0: the market-data directory's file)"
            }
        }

        var barsPerYear: Double?
        switch object["bars_per_year"] {
        case nil, .null?: break
        case let value?:
            if let number = value.doubleValue, Self.barsPerYearLimits.contains(number) {
                barsPerYear = number
            } else {
                errors["bars_per_year"] = "must be a number within 1...31622400 (one bar a year to one a second)"
            }
        }

        var pboBlocks: Int?
        switch object["pbo_blocks"] {
        case nil, .null?: break
        case let value?:
            if let number = value.intValue, (2...24).contains(number), number % 2 == 0 {
                pboBlocks = number
            } else {
                errors["pbo_blocks"] = "must be an even whole number within 2...24"
            }
        }

        let walkForward = Self.walkForward(object["walk_forward"], errors: &errors)
        if walkForward != nil && executor == .external { errors["walk_forward"] = "the external executor does not walk forward" }

        let fast = Self.range(object["fast_range"], field: "fast_range", errors: &errors)
        let slow = Self.range(object["slow_range"], field: "slow_range", errors: &errors)
        if let fast, let slow {
            if fast.lowerBound >= slow.lowerBound {
                errors["fast_range"] = "its minimum (\(fast.lowerBound)) must be below slow_range's minimum (\(slow.lowerBound))"
            } else if fast.upperBound >= slow.upperBound {
                errors["fast_range"] = "its maximum (\(fast.upperBound)) must be below slow_range's maximum (\(slow.upperBound))"
            }
        }
        let step = Self.integer(object["step"], field: "step", limits: Self.stepLimits, default: 1, errors: &errors)
        let minTrades = Self.integer(
            object["min_trades"], field: "min_trades", limits: Self.minTradesLimits, default: Self.defaultMinTrades, errors: &errors)

        var strategy = Strategy.sma
        switch object["strategy_type"] {
        case nil, .null?: break
        case .string(let text):
            if let parsed = Strategy(rawValue: text.lowercased()) {
                strategy = parsed
            } else {
                errors["strategy_type"] = "must be one of SMA, EMA, MACD"
            }
        default: errors["strategy_type"] = "must be one of SMA, EMA, MACD"
        }

        var configPath: String?
        switch object["config_path"] {
        case nil, .null?: break
        case .string(let text) where text == "minimum" || text == "standard": configPath = text
        default: errors["config_path"] = "must be 'minimum' or 'standard'"
        }
        let fees = Self.cost(object["fees_bps"], field: "fees_bps", errors: &errors)
        let slippage = Self.cost(object["slippage_bps"], field: "slippage_bps", errors: &errors)

        if let universe, let fast, let slow {
            let cells = universe.tickers.count * SweepGrid(fastRange: fast, slowRange: slow, step: step).combinationCount
            if cells > Self.maximumUniverseCells {
                errors["tickers"] =
                    "\(universe.tickers.count) tickers × the grid's combinations = \(cells); at most \(Self.maximumUniverseCells) (the aggregate keeps one Sharpe ratio for each)"
            }
        }
        guard errors.isEmpty, let fast, let slow else { throw ValidationErrors(fields: errors) }
        self.init(
            ticker: ticker, datasetVersion: datasetVersion, fastRange: fast, slowRange: slow, step: step, minTrades: minTrades, strategy: strategy,
            configPath: configPath, feesBps: fees, slippageBps: slippage, walkForward: walkForward, pboBlocks: pboBlocks, barsPerYear: barsPerYear,
            executor: executor)
        self.universe = universe
    }

    /// `tickers` (1...1000 distinct names) and `max_failed_tickers`, or nil when the request names one ticker.
    private static func universe(_ object: [String: JSONValue], errors: inout [String: String]) -> TickerUniverse? {
        let maxFailed = object["max_failed_tickers"].flatMap { $0 == .null ? nil : $0 }
        guard let value = object["tickers"], value != .null else {
            if maxFailed != nil { errors["max_failed_tickers"] = "applies only to a sweep of many tickers (tickers)" }
            return nil
        }
        let limits = 1...maximumTickers
        guard case .array(let items) = value, limits.contains(items.count) else {
            errors["tickers"] = "must be a list of 1...\(maximumTickers) ticker names"
            return nil
        }
        var tickers: [String] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                errors["tickers"] = "item \(index + 1) must be a string"
                return nil
            }
            if let problem = MarketDataDirectory.tickerProblem(text) {
                errors["tickers"] = "item \(index + 1) ('\(text.prefix(40))') \(problem)"
                return nil
            }
            let name = text.uppercased()
            guard seen.insert(name).inserted else {
                errors["tickers"] = "\(name) is listed twice"
                return nil
            }
            tickers.append(name)
        }
        var allowedFailures = 0
        if let maxFailed {
            if let number = maxFailed.intValue, (0...tickers.count).contains(number) {
                allowedFailures = number
            } else {
                errors["max_failed_tickers"] = "must be a whole number within 0...\(tickers.count) (the number of tickers)"
            }
        }
        return TickerUniverse(tickers: tickers, maxFailedTickers: allowedFailures)
    }

    /// `{"train_bars": N, "test_bars": M, "anchored": false}`.
    private static func walkForward(_ value: JSONValue?, errors: inout [String: String]) -> WalkForwardPlan? {
        guard let value, value != .null else { return nil }
        let problem = "must be {\"train_bars\": N, \"test_bars\": M, \"anchored\": true|false}, N and M whole numbers within 2...10000000"
        guard case .object(let fields) = value, Set(fields.keys).isSubset(of: ["train_bars", "test_bars", "anchored"]),
            let train = fields["train_bars"]?.intValue, let test = fields["test_bars"]?.intValue,
            walkForwardBarLimits.contains(train), walkForwardBarLimits.contains(test)
        else {
            errors["walk_forward"] = problem
            return nil
        }
        var anchored = false
        switch fields["anchored"] {
        case nil, .null?: break
        case .bool(let flag)?: anchored = flag
        default:
            errors["walk_forward"] = problem
            return nil
        }
        return WalkForwardPlan(trainBars: train, testBars: test, anchored: anchored)
    }

    private static func range(_ value: JSONValue?, field: String, errors: inout [String: String]) -> ClosedRange<Int>? {
        guard let value, value != .null else {
            errors[field] = "is required"
            return nil
        }
        guard case .array(let items) = value, items.count == 2, let low = items[0].intValue, let high = items[1].intValue else {
            errors[field] = "must be [min, max], two whole numbers"
            return nil
        }
        guard windowLimits.contains(low), windowLimits.contains(high) else {
            errors[field] = "both ends must be within \(windowLimits.lowerBound)...\(windowLimits.upperBound)"
            return nil
        }
        guard low <= high else {
            errors[field] = "min (\(low)) must not exceed max (\(high))"
            return nil
        }
        return low...high
    }

    private static func integer(
        _ value: JSONValue?, field: String, limits: ClosedRange<Int>, default: Int, errors: inout [String: String]
    ) -> Int {
        guard let value, value != .null else { return `default` }
        guard let number = value.intValue else {
            errors[field] = "must be a whole number"
            return `default`
        }
        guard limits.contains(number) else {
            errors[field] = "must be within \(limits.lowerBound)...\(limits.upperBound)"
            return `default`
        }
        return number
    }

    private static func cost(_ value: JSONValue?, field: String, errors: inout [String: String]) -> Double {
        guard let value, value != .null else { return 0 }
        guard let number = value.doubleValue, costLimits.contains(number) else {
            errors[field] = "must be a number within 0...1000 (basis points)"
            return 0
        }
        return number
    }
}
