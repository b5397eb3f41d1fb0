#!/usr/bin/env bash
# Annualization by the data's frequency, checked against vectorbt (issue 18): for GOOG (daily)
# and EURUSD (hourly), `zixly sweep run --bars-per-year auto` reads the frequency off the dates;
# vectorbt is told the same bar spacing (`freq`) and `year_freq = bars per year × spacing`, so
# both annualize with the same factor; every metric of every combination is compared at 1e-9.
#
#   bench/sweep/annualization.sh            SMA, fast 2…40 × slow 3…80
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
venv=$root/bench/.venv
if ! "$venv/bin/python" -c 'import vectorbt' >/dev/null 2>&1; then
  echo "== installing vectorbt into bench/.venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check vectorbt backtesting
fi
if [ -z "${ZIXLY_BINARY:-}" ]; then
  swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null
  ZIXLY_BINARY=$root/.build-release/release/zixly
fi
out=$(mktemp -d /tmp/zixly-annualization.XXXXXX)
status=0
for case in "GOOG 1D" "EURUSD 1h"; do
  read -r ticker spacing <<<"$case"
  data=$root/Sources/ZixlyDatasets/SampleData/$ticker.csv
  "$ZIXLY_BINARY" sweep run --data "$data" --strategy sma --fast 2...40 --slow 3...80 --output "$out/$ticker-zixly.csv" >"$out/$ticker.txt"
  line=$(grep '^bars:' "$out/$ticker.txt")
  per_year=$(sed -nE 's/.*annualized with ([0-9.]+) bars a year.*/\1/p' <<<"$line")
  echo "== $ticker: zixly says \"$line\"; vectorbt: freq=$spacing, year_freq=$per_year × $spacing"
  (cd bench/sweep && "$venv/bin/python" vectorbt_sweep.py --data "$data" --strategy sma --fast 2 40 --slow 3 80 \
    --freq "$spacing" --bars-per-year "$per_year" --output "$out/$ticker-vectorbt.csv" >/dev/null)
  (cd bench/sweep && "$venv/bin/python" compare.py "$out/$ticker-zixly.csv" "$out/$ticker-vectorbt.csv" --tolerance 1e-9) || status=1
done
rm -rf "$out"
exit $status
