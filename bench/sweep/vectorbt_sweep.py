"""vectorbt on a crossover grid, with the settings that match Zixly's conventions (docs/sweep-metrics.md).

    python vectorbt_sweep.py --data GOOG.csv --strategy sma --fast 2 100 --slow 3 200 --output vectorbt.csv

Prints one JSON line: combinations, seconds (numba warm-up excluded), combinations per second, peak RSS.
"""
import json
import time

import numpy as np
import pandas as pd
import vectorbt as vbt

from common import arguments, grid, peak_rss_mb, write_rows


def sweep(close, pairs, ewm):
    windows = sorted({w for pair in pairs for w in pair})
    fast, slow = vbt.MA.run_combs(close, window=windows, r=2, ewm=ewm, short_names=["fast", "slow"])
    entries = fast.ma_crossed_above(slow)
    exits = fast.ma_crossed_below(slow)
    wanted = set(pairs)
    columns = zip(entries.columns.get_level_values("fast_window"), entries.columns.get_level_values("slow_window"))
    keep = [pair in wanted for pair in columns]
    entries, exits = entries.loc[:, keep], exits.loc[:, keep]
    portfolio = vbt.Portfolio.from_signals(close, entries, exits, init_cash=100.0, freq="1D")
    returns = portfolio.get_returns_acc(year_freq="252 days")
    trades, closed = portfolio.trades, portfolio.trades.closed
    frame = pd.DataFrame({
        "total_return_pct": portfolio.total_return() * 100,
        "annualized_return": returns.annualized(),
        "sharpe_ratio": returns.sharpe_ratio(),
        "sortino_ratio": returns.sortino_ratio(),
        "max_drawdown_pct": -returns.max_drawdown() * 100,
        "win_rate_pct": closed.win_rate() * 100,
        "profit_factor": closed.profit_factor(),
        "total_trades": trades.count(),
        "closed_trades": closed.count(),
    })
    return frame


def main():
    args = arguments(__doc__)

    vbt.settings.returns["year_freq"] = "252 days"  # the reference annualizes with 252 bars a year
    close = pd.read_csv(args.data, index_col=0)["Close"].astype(float)
    close.index = pd.date_range("2000-01-01", periods=len(close), freq="D")  # one bar = one '1D' period
    pairs = grid(args.fast, args.slow)
    ewm = args.strategy == "ema"
    sweep(close, [(2, 3), (2, 4)], ewm)  # numba compiles on first use: warm up outside the timing

    started = time.perf_counter()
    frame = sweep(close, pairs, ewm)
    seconds = time.perf_counter() - started

    rows = []
    index = frame.index.to_frame(index=False)
    fast_column = [c for c in index.columns if "fast" in str(c)][0]
    slow_column = [c for c in index.columns if "slow" in str(c)][0]
    for fast, slow, values in zip(index[fast_column], index[slow_column], frame.to_dict("records")):
        values.update(fast_period=int(fast), slow_period=int(slow))
        values["total_trades"] = int(values["total_trades"])
        values["closed_trades"] = int(values["closed_trades"])
        rows.append(values)
    rows.sort(key=lambda row: (row["fast_period"], row["slow_period"]))
    write_rows(args.output, rows)
    print(json.dumps({"engine": "vectorbt " + vbt.__version__, "combinations": len(rows), "seconds": seconds,
                      "combinations_per_second": len(rows) / seconds, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
