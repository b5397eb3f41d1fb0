#!/usr/bin/env bash
# Side-by-side sweep benchmark: vectorbt, backtesting.py and `zixly sweep run` on the same CSV and
# grid, in one run on this machine, then every metric of every combination compared.
#
#   bench/sweep/run.sh                      GOOG daily, SMA, fast 2…100 × slow 3…200 (14,751 combinations)
#   STRATEGY=ema BT_SAMPLE=0 bench/sweep/run.sh    EMA; backtesting.py on the full grid (minutes)
#
# Not a test: it prints figures; `docs/benchmarks.md` records them with the command.
set -euo pipefail
[ -n "${DATA:-}" ] && DATA=$(realpath "$DATA")
cd "$(dirname "$0")/../.."
root=$(pwd)
data=${DATA:-$root/Sources/ZixlyDatasets/SampleData/GOOG.csv}
strategy=${STRATEGY:-sma}
fast=(${FAST:-2 100})
slow=(${SLOW:-3 200})
bt_sample=${BT_SAMPLE:-500}
runs=${RUNS:-5}
out=${OUT:-$root/bench/results/sweep-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

venv=$root/bench/.venv
if ! "$venv/bin/python" -c 'import vectorbt, backtesting' >/dev/null 2>&1; then
  echo "== installing vectorbt and backtesting.py into bench/.venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check vectorbt backtesting
fi
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

echo "== building zixly (release, in .build-release so a debug build can stay warm beside it)"
swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null
zixly=$root/.build-release/release/zixly

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== data: $data ($(($(wc -l < "$data") - 1)) bars), strategy $strategy, fast ${fast[0]}…${fast[1]}, slow ${slow[0]}…${slow[1]}"

echo "== zixly sweep run, best of $runs"
best=""
for run in $(seq "$runs"); do
  /usr/bin/time -f '%M' -o "$out/zixly.rss" "$zixly" sweep run --data "$data" --strategy "$strategy" --bars-per-year 252 \
    --fast "${fast[0]}...${fast[1]}" --slow "${slow[0]}...${slow[1]}" --output "$out/zixly.csv" > "$out/zixly.txt"
  rate=$(sed -nE 's/.*elapsed ([0-9.]+) s, ([0-9]+) combinations\/s.*/\2/p' "$out/zixly.txt")
  seconds=$(sed -nE 's/.*elapsed ([0-9.]+) s.*/\1/p' "$out/zixly.txt")
  echo "   run $run: $seconds s, $rate combinations/s, peak RSS $(( $(cat "$out/zixly.rss") / 1024 )) MB"
  if [ -z "$best" ] || [ "$rate" -gt "$best" ]; then best=$rate; best_rss=$(( $(cat "$out/zixly.rss") / 1024 )); fi
done

cd "$root/bench/sweep"
echo "== vectorbt (numba warm-up excluded)"
"$venv/bin/python" vectorbt_sweep.py --data "$data" --strategy "$strategy" --fast "${fast[@]}" --slow "${slow[@]}" \
  --output "$out/vectorbt.csv" | tee "$out/vectorbt.json"
echo "== backtesting.py (about $bt_sample combinations spread over the grid; BT_SAMPLE=0 for all)"
"$venv/bin/python" backtesting_sweep.py --data "$data" --strategy "$strategy" --fast "${fast[@]}" --slow "${slow[@]}" \
  --sample "$bt_sample" --output "$out/backtesting.csv" | tee "$out/backtesting.json"

echo "== agreement: Zixly vs vectorbt (tolerance 1e-9)"
"$venv/bin/python" compare.py "$out/zixly.csv" "$out/vectorbt.csv" --tolerance 1e-9 | tee "$out/compare-vectorbt.txt" | sed '$d'
echo "== agreement: Zixly vs backtesting.py (tolerance 1e-6; differences explained in docs/sweep-metrics.md)"
"$venv/bin/python" compare.py "$out/zixly.csv" "$out/backtesting.csv" --tolerance 1e-6 | tee "$out/compare-backtesting.txt" | sed '$d'

vbt_rate=$("$venv/bin/python" -c "import json;print(round(json.load(open('$out/vectorbt.json'))['combinations_per_second']))")
vbt_rss=$("$venv/bin/python" -c "import json;print(round(json.load(open('$out/vectorbt.json'))['peak_rss_mb']))")
bt_rate=$("$venv/bin/python" -c "import json;print(round(json.load(open('$out/backtesting.json'))['combinations_per_second'], 1))")
bt_rss=$("$venv/bin/python" -c "import json;print(round(json.load(open('$out/backtesting.json'))['peak_rss_mb']))")
echo
echo "== summary (combinations per second, higher is better; peak memory)"
printf '   %-16s %12s %10s\n' engine comb/s "peak MB"
printf '   %-16s %12s %10s\n' zixly "$best" "$best_rss"
printf '   %-16s %12s %10s\n' vectorbt "$vbt_rate" "$vbt_rss"
printf '   %-16s %12s %10s\n' backtesting.py "$bt_rate" "$bt_rss"
"$venv/bin/python" -c "print(f'   zixly = {$best/$vbt_rate:.0f}x vectorbt, {$best/$bt_rate:.0f}x backtesting.py')"
echo "   results in $out"
