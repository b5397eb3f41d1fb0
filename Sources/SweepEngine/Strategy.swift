/// The crossover strategies the engine can sweep. Signals are computed on closes.
public enum Strategy: String, Sendable, CaseIterable, Codable {
    /// Fast SMA crosses above slow SMA → enter; crosses below → exit.
    case sma
    /// Same rule on EMAs (alpha = 2/(n+1), seeded with the first close).
    case ema
    /// MACD = EMA(fast) − EMA(slow); enter when MACD crosses above its 9-bar EMA signal line,
    /// exit when it crosses below.
    case macd

    /// The MACD signal line's EMA window.
    public static let macdSignalWindow = 9
}

/// Trading costs in basis points of traded value (1 bp = 0.01 %). Both default to 0, which
/// reproduces vectorbt's `from_signals` defaults exactly.
public struct ExecutionCosts: Sendable, Equatable, Codable {
    /// Commission on each fill, in bp of the fill's value.
    public var feesBps: Double
    /// Price slippage on each fill, in bp: buys fill that much above the close, sells below.
    public var slippageBps: Double

    public init(feesBps: Double = 0, slippageBps: Double = 0) {
        self.feesBps = feesBps
        self.slippageBps = slippageBps
    }

    public static let none = ExecutionCosts()

    var feeRate: Double { feesBps / 10_000 }
    var slippageRate: Double { slippageBps / 10_000 }
}
