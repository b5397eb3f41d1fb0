#!/usr/bin/env bash
# Dataset import benchmark (not a test): a ROWS-row minute-bar CSV (2,000,000 by default) uploaded
# to a fresh `zixly up`, as CSV and as gzip, through the API; prints each upload's time, its rate,
# and the server's resident memory before and at its peak (VmHWM), to show the import streams.
#
#   bench/datasets/run.sh                         release build in .build-release
#   ROWS=500000 ZIXLY_BINARY=.build/debug/zixly bench/datasets/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
rows=${ROWS:-2000000}
if [ -z "${ZIXLY_BINARY:-}" ]; then
  echo "== building zixly (release, in .build-release)"
  swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null
  ZIXLY_BINARY=$root/.build-release/release/zixly
fi
work=$(mktemp -d /tmp/zixly-datasets.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
admin=zk_dataset_bench_admin_0123456789
echo "== writing $rows minute bars"
python3 - "$rows" "$work/bars.csv" <<'PY'
import sys, datetime
rows, path = int(sys.argv[1]), sys.argv[2]
start = datetime.datetime(2015, 1, 1)
with open(path, "w") as out:
    out.write("Date,Open,High,Low,Close,Volume\n")
    price = 100.0
    for i in range(rows):
        t = start + datetime.timedelta(minutes=i)
        price *= 1 + ((i * 7919) % 2001 - 1000) / 2_000_000
        out.write(f"{t:%Y-%m-%d %H:%M},{price:.4f},{price * 1.001:.4f},{price * 0.999:.4f},{price:.4f},{i % 5000}\n")
PY
gzip -k "$work/bars.csv"
echo "   $(du -h "$work/bars.csv" | cut -f1) CSV, $(du -h "$work/bars.csv.gz" | cut -f1) gzipped"
ZIXLY_ADMIN_API_KEY=$admin ZIXLY_DATA_DIR="$work/data" ZIXLY_LOG_LEVEL=error "$ZIXLY_BINARY" up --port "$port" >"$work/up.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
rss() { awk -v key="$1:" '$1 == key { print int($2 / 1024) }' "/proc/$pid/status"; }
echo "== zixly up ($ZIXLY_BINARY), $(nproc) cores; resident $(rss VmRSS) MiB after start"
for file in bars.csv bars.csv.gz; do
  type=text/csv
  [ "${file##*.}" = gz ] && type=application/gzip
  start=$(date +%s.%N)
  answer=$(curl -fsS -X POST -H "Authorization: Bearer $admin" -H "Content-Type: $type" --data-binary "@$work/$file" \
    "http://127.0.0.1:$port/api/datasets/BENCH")
  end=$(date +%s.%N)
  python3 - "$answer" "$start" "$end" "$rows" "$file" "$(rss VmRSS)" "$(rss VmHWM)" <<'PY'
import json, sys
answer, start, end, rows, name, rss, peak = json.loads(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
seconds = end - start
print(f"{name:12} version {answer['version']}: {answer['bars']:,} bars, {answer['frequency']}, {seconds:6.2f} s, "
      f"{rows / seconds:,.0f} rows/s, {answer['bytes'] / seconds / 2**20:5.1f} MiB/s; resident {rss} MiB now, peak {peak} MiB")
PY
done
