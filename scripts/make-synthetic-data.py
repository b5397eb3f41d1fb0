#!/usr/bin/env python3
"""Writes a geometric Brownian motion as OHLCV CSV, bit-for-bit deterministic.

Uses its own 64-bit LCG and Box-Muller (no numpy, no random module), so the file is the same on any
machine and Python version. The bundled sample (2,520 business days) is:

    python3 scripts/make-synthetic-data.py > Sources/ZixlyDatasets/SampleData/SYNTH.csv

and the scale benchmark's million one-minute bars:

    python3 scripts/make-synthetic-data.py --bars 1000000 --minutes > /tmp/SYNTH1M.csv
"""
import argparse
import datetime
import math

state = 0x5EED_2026


def uniform():
    global state
    state = (6364136223846793005 * state + 1442695040888963407) % (1 << 64)
    return ((state >> 11) + 0.5) / (1 << 53)


def normal():
    return math.sqrt(-2.0 * math.log(uniform())) * math.cos(2.0 * math.pi * uniform())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=2520)
    parser.add_argument("--minutes", action="store_true", help="one-minute bars, around the clock")
    parser.add_argument("--seed", type=int, default=0, help="another path (0: the bundled sample's)")
    args = parser.parse_args()
    if args.seed:
        global state
        state = (0x5EED_2026 + args.seed * 0x9E3779B97F4A7C15) % (1 << 64)
    drift, volatility = 0.07, 0.25
    dt = 1.0 / (252 * 390) if args.minutes else 1.0 / 252
    moment = datetime.datetime(2015, 1, 2)
    step = datetime.timedelta(minutes=1) if args.minutes else datetime.timedelta(days=1)
    close = 100.0
    lines = ["Date,Open,High,Low,Close,Volume"]
    bars = 0
    while bars < args.bars:
        if args.minutes or moment.weekday() < 5:
            open_ = close
            close = open_ * math.exp((drift - volatility ** 2 / 2) * dt + volatility * math.sqrt(dt) * normal())
            high = max(open_, close) * (1 + abs(normal()) * 0.004)
            low = min(open_, close) * (1 - abs(normal()) * 0.004)
            volume = int(1_000_000 * (1 + abs(normal())))
            stamp = moment.isoformat(sep=" ") if args.minutes else moment.date().isoformat()
            lines.append(f"{stamp},{open_:.4f},{high:.4f},{low:.4f},{close:.4f},{volume}")
            bars += 1
        moment += step
    print("\n".join(lines))


if __name__ == "__main__":
    main()
