"""backtesting.py on a crossover grid, with the settings that make it comparable to vectorbt and
Zixly (see the sweep reference: cash 1e12, no costs, trade on close, exclusive orders, orders on
the last bar not filled). Metrics are computed from its equity curve and trade list with Zixly's
definitions, so differences show its execution conventions, not formula choices.

    python backtesting_sweep.py --data GOOG.csv --fast 2 100 --slow 3 200 --sample 300 --output backtesting.csv

`--sample N` runs every k-th combination so that about N run (0 = all; backtesting.py does tens a
second). Prints one JSON line with the timing.
"""
import json
import math
import time
import os
import warnings

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np
import pandas as pd
from backtesting import Backtest, Strategy

from common import arguments, crossed_above, grid, peak_rss_mb, write_rows

warnings.filterwarnings("ignore")


class Crossover(Strategy):
    fast = 10
    slow = 20
    ewm = False

    def init(self):
        close = pd.Series(self.data.Close)
        average = (lambda n: close.ewm(span=n, adjust=False, min_periods=n).mean()) if self.ewm else (lambda n: close.rolling(n).mean())
        fast, slow = average(self.fast).to_numpy(), average(self.slow).to_numpy()
        self.entries = crossed_above(fast, slow)
        self.exits = crossed_above(slow, fast)

    def next(self):
        bar = len(self.data) - 1
        if self.entries[bar] and not self.position:
            self.buy()
        elif self.exits[bar] and self.position:
            self.position.close()


def metrics(stats, fast, slow):
    equity = stats._equity_curve["Equity"].to_numpy()
    start = equity[0] if len(equity) else 1.0
    values = np.concatenate([[start], equity])
    returns = values[1:] / values[:-1] - 1
    mean, std = returns.mean(), returns.std(ddof=1)
    downside = math.sqrt(np.mean(np.minimum(returns, 0) ** 2))
    drawdown = values[1:] / np.maximum.accumulate(values[1:]) - 1
    pnl = stats._trades["PnL"].to_numpy() if len(stats._trades) else np.array([])
    wins, losses = pnl[pnl > 0].sum(), pnl[pnl < 0].sum()
    closed = len(pnl)
    still_open = 1 if stats._strategy.position.size != 0 else 0
    return {
        "fast_period": fast, "slow_period": slow,
        "total_return_pct": (equity[-1] / start - 1) * 100,
        "annualized_return": (equity[-1] / start) ** (252 / len(equity)) - 1,
        "sharpe_ratio": math.inf if std == 0 else mean / std * math.sqrt(252),
        "sortino_ratio": math.inf if downside == 0 else mean * 252 / (downside * math.sqrt(252)),
        "max_drawdown_pct": -100 * drawdown.min(),
        "win_rate_pct": 100 * (pnl > 0).sum() / closed if closed else math.nan,
        "profit_factor": math.nan if closed == 0 or (wins == 0 and losses == 0) else (math.inf if losses == 0 else wins / -losses),
        "total_trades": closed + still_open,
        "closed_trades": closed,
    }


def main():
    args = arguments(__doc__, lambda parser: parser.add_argument("--sample", type=int, default=300))

    data = pd.read_csv(args.data, index_col=0, parse_dates=True)
    pairs = grid(args.fast, args.slow)
    if args.sample and args.sample < len(pairs):
        pairs = pairs[:: math.ceil(len(pairs) / args.sample)]
    backtest = Backtest(data, Crossover, cash=1e12, commission=0, spread=0, margin=1, trade_on_close=True,
                        exclusive_orders=True, hedging=False, finalize_trades=False)
    rows = []
    started = time.perf_counter()
    for fast, slow in pairs:
        stats = backtest.run(fast=fast, slow=slow, ewm=args.strategy == "ema")
        rows.append(metrics(stats, fast, slow))
    seconds = time.perf_counter() - started
    write_rows(args.output, rows)
    import backtesting
    print(json.dumps({"engine": "backtesting.py " + backtesting.__version__, "combinations": len(rows), "seconds": seconds,
                      "combinations_per_second": len(rows) / seconds, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
