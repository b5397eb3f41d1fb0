"""Compares every metric of every combination between Zixly's CSV and a peer's.

    python compare.py zixly.csv vectorbt.csv --tolerance 1e-9

Counts must match exactly (and win rate with them); floats within `tolerance` relative. A
combination whose trade counts differ is listed: with prefix-sum MAs that only happens where the
two moving averages tie in exact arithmetic and rounding flips the crossover (see the reference).
Prints a JSON summary on the last line.
"""
import argparse
import csv
import json
import math

COUNTS = {"total_trades", "closed_trades"}


def load(path):
    with open(path) as handle:
        return {(int(row["fast_period"]), int(row["slow_period"])): row for row in csv.DictReader(handle)}


def relative(a, b):
    if math.isnan(a) and math.isnan(b):
        return 0.0
    if math.isinf(a) or math.isinf(b):
        return 0.0 if a == b else math.inf
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("zixly")
    parser.add_argument("peer")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    parser.add_argument("--metrics", default="")
    args = parser.parse_args()
    ours, theirs = load(args.zixly), load(args.peer)
    shared = sorted(set(ours) & set(theirs))
    metrics = [m for m in next(iter(theirs.values())).keys() if m not in ("fast_period", "slow_period") and m in next(iter(ours.values()))]
    if args.metrics:
        metrics = [m for m in metrics if m in args.metrics.split(",")]
    worst = {m: 0.0 for m in metrics}
    count_mismatches, float_mismatches = [], []
    for key in shared:
        a, b = ours[key], theirs[key]
        if any(int(a[m]) != int(b[m]) for m in metrics if m in COUNTS):
            count_mismatches.append({"fast": key[0], "slow": key[1], **{m: (int(a[m]), int(b[m])) for m in COUNTS if m in metrics}})
            continue
        for metric in metrics:
            if metric in COUNTS:
                continue
            difference = relative(float(a[metric]), float(b[metric]))
            worst[metric] = max(worst[metric], difference)
            if difference > args.tolerance:
                float_mismatches.append({"fast": key[0], "slow": key[1], "metric": metric, "zixly": a[metric], "peer": b[metric], "relative": difference})
    agreeing = len(shared) - len(count_mismatches) - len({(m["fast"], m["slow"]) for m in float_mismatches})
    print(f"{len(shared)} combinations compared ({len(ours)} from Zixly, {len(theirs)} from the peer)")
    print(f"  agree on every metric within {args.tolerance:g}: {agreeing}")
    print(f"  trade counts differ (crossover flipped by an exact tie, or a peer convention): {len(count_mismatches)}")
    for row in count_mismatches[:20]:
        print(f"    fast {row['fast']} slow {row['slow']}: " + ", ".join(f"{m} zixly {v[0]} peer {v[1]}" for m, v in row.items() if m in COUNTS))
    print(f"  float metrics beyond tolerance: {len(float_mismatches)}")
    for row in float_mismatches[:20]:
        print(f"    fast {row['fast']} slow {row['slow']} {row['metric']}: zixly {row['zixly']} peer {row['peer']} (relative {row['relative']:.3g})")
    print("  largest relative difference per metric (where counts agree): "
          + ", ".join(f"{m} {v:.2g}" for m, v in worst.items() if m not in COUNTS))
    print(json.dumps({"compared": len(shared), "agreeing": agreeing, "count_mismatches": count_mismatches,
                      "float_mismatches": len(float_mismatches), "worst_relative": worst}))


if __name__ == "__main__":
    main()
