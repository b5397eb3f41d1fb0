/// One round trip of a simulated combination: bought at `entryBar`'s close (plus slippage) with all
/// the cash, sold at `exitBar`'s (less slippage), or still held when the data ends.
public struct Trade: Sendable, Equatable {
    public var entryBar: Int
    /// The fill price paid per unit, slippage included.
    public var entryPrice: Double
    /// nil while the position is still open at the last bar.
    public var exitBar: Int?
    public var exitPrice: Double?
    /// Units bought: the cash at entry over the entry price and its fee.
    public var units: Double
    /// Profit or loss in cash after both fees; for an open trade, marked at the last close without
    /// exit costs (the way the equity curve values it).
    public var pnl: Double

    /// The fee paid at entry (the exit fee is inside `pnl`).
    public var entryFee: Double

    /// `pnl` as a percentage of the cash the trade started with (units × price + the entry fee).
    public var returnPct: Double {
        let invested = units * entryPrice + entryFee
        return invested > 0 ? pnl / invested * 100 : 0
    }
}

/// Where a replayed simulation writes its trades. Only the replay of one combination has one; the
/// sweep's backtests pass none, so its hot loop pays one nil check per fill.
final class TradeLog {
    private(set) var trades: [Trade] = []

    func entered(bar: Int, price: Double, units: Double, fees: Double) {
        trades.append(Trade(entryBar: bar, entryPrice: price, exitBar: nil, exitPrice: nil, units: units, pnl: -fees, entryFee: fees))
    }

    func exited(bar: Int, price: Double, pnl: Double) {
        trades[trades.count - 1].exitBar = bar
        trades[trades.count - 1].exitPrice = price
        trades[trades.count - 1].pnl = pnl
    }

    /// Marks a trade still open at the last bar to that bar's close.
    func markOpen(at close: Double) {
        guard let last = trades.last, last.exitBar == nil else { return }
        trades[trades.count - 1].pnl = (close - last.entryPrice) * last.units - last.entryFee
    }
}
