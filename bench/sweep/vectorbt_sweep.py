"""vectorbt on a crossover grid, with the settings that match Zixly's conventions (docs/sweep-metrics.md).

    python vectorbt_sweep.py --data GOOG.csv --strategy sma --fast 2 100 --slow 3 200 --output vectorbt.csv
    python vectorbt_sweep.py --data EURUSD.csv --freq 1h --bars-per-year 6048 ...   annualized as Zixly reads the data

`--freq` is the bar spacing vectorbt is told (default 1D) and `--bars-per-year` the periods per year
(default 252): vectorbt's `year_freq` becomes their product, so its annualization factor
(year_freq / freq) is the same number Zixly uses.

Prints one JSON line: combinations, seconds (numba warm-up excluded), combinations per second, peak RSS.
"""
import json
import time

import numpy as np
import pandas as pd
import vectorbt as vbt

from common import arguments, grid, peak_rss_mb, write_rows


def sweep(close, pairs, ewm, freq="1D", year_freq="252 days"):
    windows = sorted({w for pair in pairs for w in pair})
    fast, slow = vbt.MA.run_combs(close, window=windows, r=2, ewm=ewm, short_names=["fast", "slow"])
    entries = fast.ma_crossed_above(slow)
    exits = fast.ma_crossed_below(slow)
    wanted = set(pairs)
    columns = zip(entries.columns.get_level_values("fast_window"), entries.columns.get_level_values("slow_window"))
    keep = [pair in wanted for pair in columns]
    entries, exits = entries.loc[:, keep], exits.loc[:, keep]
    portfolio = vbt.Portfolio.from_signals(close, entries, exits, init_cash=100.0, freq=freq)
    returns = portfolio.get_returns_acc(year_freq=year_freq)
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
    def extra(parser):
        parser.add_argument("--freq", default="1D", help="the bar spacing vectorbt is told (a pandas offset: 1D, 1h, 1min)")
        parser.add_argument("--bars-per-year", type=float, default=252.0, help="periods per year to annualize with")

    args = arguments(__doc__, extra)
    spacing = pd.Timedelta(args.freq)
    year_freq = spacing * args.bars_per_year  # vectorbt annualizes with year_freq / freq = bars per year
    vbt.settings.returns["year_freq"] = year_freq
    close = pd.read_csv(args.data, index_col=0)["Close"].astype(float)
    close.index = pd.date_range("2000-01-01", periods=len(close), freq=spacing)  # one bar = one `freq` period
    pairs = grid(args.fast, args.slow)
    ewm = args.strategy == "ema"
    sweep(close, [(2, 3), (2, 4)], ewm, spacing, year_freq)  # numba compiles on first use: warm up outside the timing

    started = time.perf_counter()
    frame = sweep(close, pairs, ewm, spacing, year_freq)
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
