#!/usr/bin/env python3
"""Writes SYNTH.csv: 2,520 business days of a geometric Brownian motion, bit-for-bit deterministic.

Uses its own 64-bit LCG and Box-Muller (no numpy, no random module), so the file is the same on any
machine and Python version. Regenerate with: python3 scripts/make-synthetic-data.py > Sources/ZixlyPipelines/SampleData/SYNTH.csv
"""
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
    drift, volatility, dt = 0.07, 0.25, 1.0 / 252
    day = datetime.date(2015, 1, 2)
    close = 100.0
    print("Date,Open,High,Low,Close,Volume")
    bars = 0
    while bars < 2520:
        if day.weekday() < 5:
            open_ = close
            close = open_ * math.exp((drift - volatility ** 2 / 2) * dt + volatility * math.sqrt(dt) * normal())
            high = max(open_, close) * (1 + abs(normal()) * 0.004)
            low = min(open_, close) * (1 - abs(normal()) * 0.004)
            volume = int(1_000_000 * (1 + abs(normal())))
            print(f"{day.isoformat()},{open_:.4f},{high:.4f},{low:.4f},{close:.4f},{volume}")
            bars += 1
        day += datetime.timedelta(days=1)


if __name__ == "__main__":
    main()
