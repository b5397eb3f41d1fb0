import Foundation
public import SweepEngine
public import ZixlyCore

/// A trading-sweep request as the webhook and API accept it (DESIGN §3), validated.
public struct TradingSweepParameters: Sendable, Equatable {
    /// The ticker swept; empty when the sweep names many (`universe`).
    public var ticker: String
    /// The tickers of a sweep of many, each swept as a child job; nil for one ticker.
    public var universe: TickerUniverse?
    /// The dataset version to sweep; nil for the newest (recorded in the result when it ran).
    public var datasetVersion: Int?
    public var fastRange: ClosedRange<Int>
    public var slowRange: ClosedRange<Int>
    public var step: Int
    public var minTrades: Int
    public var strategy: Strategy
    public var configPath: String?
    public var feesBps: Double
    public var slippageBps: Double
    /// A walk-forward validation to run after the sweep; nil for none.
    public var walkForward: WalkForwardPlan?
    /// Blocks of the Probability of Backtest Overfitting (even, 2–24); nil for 16, the paper's.
    public var pboBlocks: Int?
    /// Periods per year to annualize with; nil for the dataset's own (read off its dates).
    public var barsPerYear: Double?
    /// Where the sweep runs: the built-in engine (default) or the external trading API.
    public var executor: SweepExecutorKind = .builtin

    public static let windowLimits = 1...500
    public static let stepLimits = 1...50
    public static let minTradesLimits = 10...1000
    public static let defaultMinTrades = 50
    public static let costLimits = 0.0...1000.0
    /// Walk-forward training and test windows, in bars.
    public static let walkForwardBarLimits = 2...10_000_000
    /// At most this many walk-forward folds (each is a sweep of its own).
    public static let maximumFolds = 500
    /// At most this many tickers in one sweep.
    public static let maximumTickers = 1_000
    /// Tickers × combinations of a sweep of many: the aggregate holds a Sharpe ratio for each.
    public static let maximumUniverseCells = 10_000_000
    /// One bar a year up to one a second.
    public static let barsPerYearLimits = 1.0...31_622_400.0

    public var grid: SweepGrid { SweepGrid(fastRange: fastRange, slowRange: slowRange, step: step) }
    public var costs: ExecutionCosts { ExecutionCosts(feesBps: feesBps, slippageBps: slippageBps) }

    /// The normalized JSON stored as the job's parameters.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "fast_range": [.number(Double(fastRange.lowerBound)), .number(Double(fastRange.upperBound))],
            "slow_range": [.number(Double(slowRange.lowerBound)), .number(Double(slowRange.upperBound))],
            "step": .number(Double(step)),
            "min_trades": .number(Double(minTrades)),
            "strategy_type": .string(strategy.rawValue.uppercased()),
            "fees_bps": .number(feesBps),
            "slippage_bps": .number(slippageBps),
        ]
        if let universe {
            object["tickers"] = .array(universe.tickers.map(JSONValue.string))
            object["max_failed_tickers"] = .number(Double(universe.maxFailedTickers))
        } else {
            object["ticker"] = .string(ticker)
        }
        if let configPath { object["config_path"] = .string(configPath) }
        if let datasetVersion { object["dataset_version"] = .number(Double(datasetVersion)) }
        if let barsPerYear { object["bars_per_year"] = .number(barsPerYear) }
        if let pboBlocks { object["pbo_blocks"] = .number(Double(pboBlocks)) }
        if let walkForward {
            object["walk_forward"] = [
                "train_bars": .number(Double(walkForward.trainBars)), "test_bars": .number(Double(walkForward.testBars)),
                "anchored": .bool(walkForward.anchored),
            ]
        }
        if executor != .builtin { object["executor"] = .string(executor.rawValue) }
        return .object(object)
    }
}

extension TradingSweepParameters {
    /// The parameters of the child that sweeps `ticker` of this sweep of many.
    public func child(ticker: String) -> TradingSweepParameters {
        var child = self
        child.universe = nil
        child.ticker = ticker
        return child
    }
}

/// The tickers of a sweep of many, and how many of them may fail before the sweep does.
public struct TickerUniverse: Sendable, Equatable {
    public var tickers: [String]
    /// Tickers whose child may fail (or be cancelled) while the sweep still completes; default 0.
    public var maxFailedTickers: Int
    public init(tickers: [String], maxFailedTickers: Int = 0) {
        self.tickers = tickers
        self.maxFailedTickers = maxFailedTickers
    }
}

/// Where a sweep runs.
public enum SweepExecutorKind: String, Sendable, Equatable, CaseIterable {
    /// The built-in engine, on this worker.
    case builtin
    /// The external trading API (`ZIXLY_TRADING_API_URL`).
    case external
}
