"""Shared pieces of the sweep benchmark: the grid, the column names, the crossover rule, CSV output."""
import argparse
import csv
import math
import resource

# Zixly's result columns (docs/sweep-metrics.md); peers write the ones they can compute.
COLUMNS = [
    "fast_period", "slow_period", "total_return_pct", "annualized_return", "sharpe_ratio", "sortino_ratio",
    "max_drawdown_pct", "win_rate_pct", "profit_factor", "total_trades", "closed_trades",
]


def grid(fast, slow, step=1):
    """Every (fast, slow) with fast < slow, fast-major order, as `zixly sweep run` makes it."""
    fasts = range(fast[0], fast[1] + 1, step)
    slows = range(slow[0], slow[1] + 1, step)
    return [(f, s) for f in fasts for s in slows if f < s]


def crossed_above(a, b):
    """vectorbt's crossover state machine (see the sweep reference): a signal on the first bar of a
    run of a > b after a strictly-below bar; ties keep the memory; NaN resets it."""
    signals = [False] * len(a)
    was_below, ago = False, -1
    for i, (x, y) in enumerate(zip(a, b)):
        if math.isnan(x) or math.isnan(y):
            was_below, ago = False, -1
        elif x > y:
            if was_below:
                ago += 1
            signals[i] = was_below and ago == 0
        elif x == y:
            ago = -1
        else:
            ago, was_below = -1, True
    return signals


def write_rows(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: (repr(float(value)) if isinstance(value, float) else value) for key, value in row.items()})


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def arguments(description, extra=None):
    """The command line every peer script takes: --data, --strategy, --fast A B, --slow C D, --output."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", required=True)
    parser.add_argument("--strategy", choices=["sma", "ema"], default="sma")
    parser.add_argument("--fast", nargs=2, type=int, required=True)
    parser.add_argument("--slow", nargs=2, type=int, required=True)
    parser.add_argument("--output", required=True)
    if extra:
        extra(parser)
    return parser.parse_args()
