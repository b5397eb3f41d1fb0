#!/usr/bin/env bash
# A sweep of many tickers over 1, 2 and 4 worker processes on PostgreSQL (benchmark, not a test).
#
# TICKERS synthetic daily histories (BARS bars each, their own seeded paths) are uploaded as
# datasets; one request sweeps the same grid (FAST × SLOW, 5,000 combinations by default) on all of
# them: a parent job and one child job per ticker. For each worker count it prints the wall time
# from the request to the parent's completion, combinations per second, the speed-up over one
# worker, and each worker's peak RSS. Each worker runs one child at a time on one sweep thread
# (ZIXLY_WORKER_CONCURRENCY=1, ZIXLY_SWEEP_THREADS=1), so W workers use min(W, cores) cores.
#
# The yardstick: the engine alone (`zixly sweep run --threads 1`, the same grid and PBO blocks) on
# the first SAMPLE tickers, one process per ticker, in combinations per second per core.
#
#   sudo bench/sweep/universe.sh            # TICKERS=200 BARS=2520 WORKER_COUNTS="1 2 4"; ZIXLY_BINARY to reuse a build
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
tickers=${TICKERS:-200}
bars=${BARS:-2520}
worker_counts=${WORKER_COUNTS:-1 2 4}
fast=${FAST:-2...51}
slow=${SLOW:-52...151}
pbo=${PBO_BLOCKS:-16}
sample=${SAMPLE:-20}
concurrency=${CONCURRENCY:-1}

[ "$(id -u)" = 0 ] || { echo "run as root (PostgreSQL is started as the postgres user)"; exit 1; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
if [ -n "${ZIXLY_BINARY:-}" ]; then
  zixly=$ZIXLY_BINARY
else
  echo "== building zixly (release, in .build-release)"
  swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null
  zixly=$root/.build-release/release/zixly
fi

work=$(mktemp -d /tmp/zixly-universe.XXXXXX)
chown postgres "$work"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
su postgres -c "$pg_bin/initdb -D $work/pg -U postgres -A trust" >/dev/null
su postgres -c "$pg_bin/pg_ctl -D $work/pg -l $work/pg.log -w start -o '-p $port -c listen_addresses=127.0.0.1 -k /tmp'" >/dev/null
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  su postgres -c "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql() { "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json, sys; value = json.load(sys.stdin); print($1)"; }

echo "== $tickers tickers × $bars bars, grid fast $fast × slow $slow, PBO blocks $pbo; $(nproc) cores"
mkdir -p "$work/csv"
names=()
for i in $(seq 1 "$tickers"); do
  name=$(printf 'U%04d' "$i")
  names+=("$name")
  python3 scripts/make-synthetic-data.py --seed "$i" --bars "$bars" > "$work/csv/$name.csv"
done
grid_args=(--fast "$fast" --slow "$slow" --pbo-blocks "$pbo" --bars-per-year 252 --threads 1 --top 0)
combinations=$("$zixly" sweep run --data "$work/csv/${names[0]}.csv" "${grid_args[@]}" | sed -nE 's/^([0-9]+) combinations.*/\1/p')

start=$(date +%s.%N)
for name in "${names[@]:0:$sample}"; do "$zixly" sweep run --data "$work/csv/$name.csv" "${grid_args[@]}" > /dev/null; done
engine_seconds=$(python3 -c "print($(date +%s.%N) - $start)")
engine_rate=$(python3 -c "print($sample * $combinations / $engine_seconds)")
printf 'engine alone, one thread: %d tickers × %d combinations in %.2f s = %.0f combinations/s per core\n' \
  "$sample" "$combinations" "$engine_seconds" "$engine_rate"

tickers_json=$(printf '"%s",' "${names[@]}")
body="{\"job_type\":\"trading-sweep\",\"config\":{\"tickers\":[${tickers_json%,}],\"fast_range\":[${fast%...*},${fast#*...}],\"slow_range\":[${slow%...*},${slow#*...}],\"min_trades\":10,\"pbo_blocks\":$pbo}}"
key=zk_universe_bench_key_0123456789
one_worker_rate=""
for count in $worker_counts; do
  database=universe_$count
  psql -c "CREATE DATABASE $database"
  export ZIXLY_DATABASE_URL="postgres://postgres@127.0.0.1:$port/$database" ZIXLY_ADMIN_API_KEY=$key ZIXLY_LOG_LEVEL=warning
  export ZIXLY_DATA_DIR=$work/data-$count ZIXLY_WORKER_CONCURRENCY=$concurrency ZIXLY_SWEEP_THREADS=1
  api_port=$(free_port)
  "$zixly" api --port "$api_port" > "$work/api-$count.log" 2>&1 &
  pids+=($!)
  base=http://127.0.0.1:$api_port
  for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
  for name in "${names[@]}"; do
    curl -sf -X POST -H "Authorization: Bearer $key" -H 'Content-Type: text/csv' --data-binary "@$work/csv/$name.csv" "$base/api/datasets/$name" >/dev/null
  done
  workers=()
  for i in $(seq 1 "$count"); do
    "$zixly" worker --port "$(free_port)" > "$work/worker-$count-$i.log" 2>&1 &
    workers+=($!)
    pids+=($!)
  done
  sleep 2
  start=$(date +%s.%N)
  id=$(curl -sf -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" "$base/api/pipelines" | json 'value["job"]["id"]')
  # Polled with curl and grep alone, twice a second: a Python per poll would take a core's share.
  while :; do
    status=$(curl -sf -H "Authorization: Bearer $key" "$base/api/pipelines/$id" | grep -oE '"status":"[a-z]+"' | head -1)
    case $status in *completed*) break ;; *failed*|*cancelled*) echo "the sweep $status"; exit 1 ;; esac
    sleep 0.5
  done
  seconds=$(python3 -c "print($(date +%s.%N) - $start)")
  rss=""
  for pid in "${workers[@]}"; do rss+="$(( $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") / 1024 )) "; done
  rate=$(python3 -c "print($tickers * $combinations / $seconds)")
  one_worker_rate=${one_worker_rate:-$rate}
  cores=$(( count < $(nproc) ? count : $(nproc) ))
  printf '%d worker(s): %d × %d combinations in %.2f s = %.0f combinations/s; speed-up %.2f× over one worker; %.0f%% of the engine per core; peak RSS per worker (MiB): %s\n' \
    "$count" "$tickers" "$combinations" "$seconds" "$rate" "$(python3 -c "print($rate / $one_worker_rate)")" \
    "$(python3 -c "print(100 * $rate / $cores / $engine_rate)")" "$rss"
  psql -d "$database" -F ' ' -c "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))::numeric, 3),
      round(extract(epoch FROM max(finished_at) - min(started_at))::numeric, 2), round(sum(extract(epoch FROM finished_at - started_at))::numeric, 2)
    FROM jobs WHERE parameters::jsonb ? 'ticker'" | { read -r median span busy; printf '   children: median run %s s (engine alone %.3f s); first start to last finish %s s, so the fan-out itself (the parent'"'"'s runs, its last wait, the ranking) took %.2f s; %s s of child runs in all\n' \
      "$median" "$(python3 -c "print($combinations / $engine_rate)")" "$span" "$(python3 -c "print($seconds - $span)")" "$busy"; }
  for pid in "${workers[@]}"; do kill -TERM "$pid"; done
  kill -TERM "${pids[0]}" 2>/dev/null || true
  wait 2>/dev/null || true
  sleep 0.5
  pids=()
done
