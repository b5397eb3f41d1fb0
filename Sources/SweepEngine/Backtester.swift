/// Simulates one long-only crossover strategy over a series, the way vectorbt's
/// `Portfolio.from_signals` does with its defaults (fill at the signal bar's close, all cash,
/// fractional units, no pyramiding), plus optional fees and slippage.
struct Backtester {
    static let initialCash = 100.0

    let closes: UnsafeBufferPointer<Double>
    let costs: ExecutionCosts
    /// No position is opened before this bar: the bars before it only warm the indicators up
    /// (a walk-forward fold's training bars before its test window). 0 in a sweep.
    var tradingFrom = 0
    /// Records each fill when one combination is replayed for its trade list; nil in a sweep.
    var log: TradeLog? = nil

    /// Runs the strategy whose entry is `crossed_above(fast, slow)` and exit
    /// `crossed_above(slow, fast)`, in one pass: fills, the portfolio value and return of every
    /// bar (into `scratch`), and the running sums the metrics need. No allocation.
    @inline(__always)
    func run<Fast: SignalLine, Slow: SignalLine>(fast: Fast, slow: Slow, scratch: SignalLines.Scratch) -> TradeTally {
        var entries = CrossoverDetector()
        var exits = CrossoverDetector()
        var tally = TradeTally()
        var cash = Self.initialCash
        var units = 0.0
        var entryPrice = 0.0
        var entryFees = 0.0
        var entryBar = 0
        var previous = Self.initialCash
        var peak = Self.initialCash
        let feeRate = costs.feeRate
        let slippage = costs.slippageRate
        let values = scratch.values
        let returns = scratch.returns
        for bar in 0..<closes.count {
            let close = closes[bar]
            let a = fast.value(at: bar)
            let b = slow.value(at: bar)
            let enter = entries.step(a, b)
            let exit = exits.step(b, a)
            if enter && units == 0 && bar >= tradingFrom {
                entryPrice = close * (1 + slippage)
                units = cash / (entryPrice * (1 + feeRate))
                entryFees = units * entryPrice * feeRate
                cash = 0
                entryBar = bar
                log?.entered(bar: bar, price: entryPrice, units: units, fees: entryFees)
            } else if exit && units > 0 {
                let exitPrice = close * (1 - slippage)
                let exitFees = units * exitPrice * feeRate
                cash = units * exitPrice - exitFees
                let pnl = (exitPrice - entryPrice) * units - entryFees - exitFees
                tally.close(pnl: pnl, bars: bar - entryBar)
                log?.exited(bar: bar, price: exitPrice, pnl: pnl)
                units = 0
            }
            let value = cash + units * close
            let r = value / previous - 1
            values[bar] = value
            returns[bar] = r
            tally.returnSum += r
            if r < 0 { tally.downsideSquares += r * r }
            if value > peak { peak = value }
            let drawdown = value / peak - 1
            if drawdown < tally.worstDrawdown { tally.worstDrawdown = drawdown }
            previous = value
        }
        if units > 0 {
            tally.openTrade(bars: closes.count - 1 - entryBar)
            log?.markOpen(at: closes[closes.count - 1])
        }
        return tally
    }
}

/// The trade counts and running sums one simulation leaves for its metrics.
struct TradeTally {
    /// Σ r over all bars.
    var returnSum = 0.0
    /// Σ min(r, 0)² over all bars.
    var downsideSquares = 0.0
    /// min over bars of V / running max of V − 1 (≤ 0).
    var worstDrawdown = 0.0
    var closedTrades = 0
    var openTrades = 0
    var winningTrades = 0
    var grossProfit = 0.0
    var grossLoss = 0.0
    var barsHeld = 0

    var totalTrades: Int { closedTrades + openTrades }

    mutating func close(pnl: Double, bars: Int) {
        closedTrades += 1
        barsHeld += bars
        if pnl > 0 {
            winningTrades += 1
            grossProfit += pnl
        } else if pnl < 0 {
            grossLoss += pnl
        }
    }

    mutating func openTrade(bars: Int) {
        openTrades = 1
        barsHeld += bars
    }
}
