#!/usr/bin/env bash
# Scale checks for the sweep engine (benchmark, not a test): run time and peak memory of
#   - a 10,000-combination sweep over ten years of daily bars (SYNTH, 2,520 bars), and
#   - a 1,000-combination sweep over one million one-minute bars (generated, deterministic),
# each for SMA and EMA. Peak memory must not grow with the number of combinations beyond the rows.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null
zixly=$root/.build-release/release/zixly
million=${MILLION:-/tmp/zixly-SYNTH1M.csv}
[ -s "$million" ] || python3 scripts/make-synthetic-data.py --bars 1000000 --minutes > "$million"

run() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o /tmp/zixly-scale.time "$zixly" sweep run --bars-per-year 252 "$@" > /tmp/zixly-scale.out
  read -r wall rss < /tmp/zixly-scale.time
  echo "$label: $(grep -E '^[0-9]+ combinations' /tmp/zixly-scale.out | head -1); $(tail -1 /tmp/zixly-scale.out); process wall ${wall} s, peak RSS $((rss / 1024)) MB"
}

daily=Sources/ZixlyDatasets/SampleData/SYNTH.csv
for strategy in sma ema; do
  run "10,000 × 2,520 daily bars, $strategy" --data "$daily" --strategy "$strategy" --fast 1...100 --slow 101...200
  run "1,000 × 1,000,000 minute bars, $strategy" --data "$million" --strategy "$strategy" --fast 10...100 --slow 110...1100 --step 10
done
