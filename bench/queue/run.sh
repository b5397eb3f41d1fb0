#!/usr/bin/env bash
# Queue benchmark, side by side in one run on one PostgreSQL server (defaults, fsync on):
#   1. the ceiling: pgbench single-row INSERTs (and the same with a NOTIFY in each transaction);
#   2. enqueue: Zixly's signed webhook -> committed job against `zixly api`, from wrk with
#      pre-signed requests (a C client, as pgbench is) at CLIENTS connections and at
#      WEBHOOK_CONNECTIONS (default 4 x CLIENTS), and from `zixly load webhooks` (Swift, signing
#      as it goes) at CLIENTS; versus pgqueuer's single enqueues from CLIENTS connections; and
#      RATE_ROUNDS rounds of the ceiling then wrk at WEBHOOK_CONNECTIONS, each with its share;
#   3. throughput: JOBS no-op jobs drained by WORKERS Zixly worker processes versus WORKERS
#      pgqueuer consumer processes, alternately, DRAIN_ROUNDS times, at each of DRAIN_BATCHES:
#      the jobs one claim may take, Zixly's slots per worker and pgqueuer's batch_size alike.
#
#   4. with COMPARE="REV ...", the same signed-webhook enqueue (wrk, WEBHOOK_CONNECTIONS) and
#      drains with each of those git revisions' own `zixly`, built from a worktree, each on a
#      database its own migrations made, in the same rounds: this tree against an earlier one.
#
#   bench/queue/run.sh                 CLIENTS=8 JOBS=20000 WORKERS=2 SECONDS_PER_RUN=10 RATE_ROUNDS=2 DRAIN_ROUNDS=2 DRAIN_BATCHES="10 100" COMPARE=""
#
# Not a test: it prints figures; docs/benchmarks.md records them with the command.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
clients=${CLIENTS:-8}
jobs=${JOBS:-20000}
workers=${WORKERS:-2}
seconds=${SECONDS_PER_RUN:-10}
drain_batches=${DRAIN_BATCHES:-10 100}

[ "$(id -u)" = 0 ] || { echo "run as root (PostgreSQL is started as the postgres user)"; exit 1; }
webhook_connections=${WEBHOOK_CONNECTIONS:-$((4 * clients))}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
venv=$root/bench/.venv
if ! "$venv/bin/python" -c 'import pgqueuer, asyncpg' >/dev/null 2>&1; then
  echo "== installing pgqueuer into bench/.venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pgqueuer asyncpg
fi
echo "== building zixly (release, in .build-release)"
swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null
mkdir -p "$root/bench/.compare"
cp "$root/.build-release/release/zixly" "$root/bench/.compare/zixly-this"
zixly=$root/bench/.compare/zixly-this
# Each revision to compare is built in one worktree, one after another, in the same scratch
# folder, so the packages build once; each binary is kept as bench/.compare/zixly-REV.
compare_revs=()
for rev in ${COMPARE:-}; do
  short=$(git rev-parse --short "$rev")
  compare_revs+=("$short")
  echo "== building zixly at $short (release, from bench/.compare/tree)"
  tree=$root/bench/.compare/tree
  [ -d "$tree" ] || git worktree add --detach "$tree" "$short" >/dev/null 2>&1
  git -C "$tree" checkout --quiet --detach "$short"
  (cd "$tree" && swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null)
  cp "$root/.build-release/release/zixly" "$root/bench/.compare/zixly-$short"
done

# --- PostgreSQL with its defaults (fsync on), stopped on exit -----------------------------------
data=$(mktemp -d /tmp/zixly-bench-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chown postgres "$data"
su postgres -c "$pg_bin/initdb -D $data/data -U postgres -A trust" >/dev/null
su postgres -c "$pg_bin/pg_ctl -D $data/data -l $data/server.log -w start -o '-p $port -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=200'" >/dev/null
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  su postgres -c "$pg_bin/pg_ctl -D $data/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
psql() { "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
for db in ceiling zixly pgqueuer; do psql -c "CREATE DATABASE $db"; done
for rev in "${compare_revs[@]}"; do psql -c "CREATE DATABASE zixly_$rev"; done
url() { echo "postgres://postgres@127.0.0.1:$port/$1"; }
echo "== machine: $(nproc) cores; PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') (defaults, fsync $(psql -c 'SHOW fsync'))"
echo "== $clients clients, $seconds s per rate run; $jobs no-op jobs, $workers worker processes"

# --- 1. the ceiling -----------------------------------------------------------------------------
psql -d ceiling -c "CREATE TABLE items (id bigserial PRIMARY KEY, payload text, created_at timestamptz DEFAULT now())"
echo "INSERT INTO items (payload) VALUES ('x');" > "$data/insert.sql"
printf 'BEGIN;\nINSERT INTO items (payload) VALUES (%s);\nNOTIFY items;\nCOMMIT;\n' "'x'" > "$data/notify.sql"
pgbench_tps() { "$pg_bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -c "$clients" -j 2 -T "$seconds" -f "$1" ceiling 2>/dev/null | awk '/^tps/ {print int($3)}'; }
insert_tps=$(pgbench_tps "$data/insert.sql")
notify_tps=$(pgbench_tps "$data/notify.sql")
echo "pgbench single-row INSERT:            $insert_tps TPS"
echo "pgbench INSERT + NOTIFY per txn:      $notify_tps TPS"

# --- 2. enqueue ---------------------------------------------------------------------------------
secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export ZIXLY_WEBHOOK_SECRETS=$secret ZIXLY_ADMIN_API_KEY=zk_bench_admin_key_0123456789 ZIXLY_LOG_LEVEL=warning
export ZIXLY_DATA_DIR=$data/zixly ZIXLY_DATABASE_URL=$(url zixly)
"$zixly" migrate >/dev/null
for rev in "${compare_revs[@]}"; do ZIXLY_DATABASE_URL=$(url "zixly_$rev") "$root/bench/.compare/zixly-$rev" migrate >/dev/null; done
api_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$zixly" api --port "$api_port" 2>"$data/api.log" & pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$api_port/ready" >/dev/null && break; sleep 0.1; done
"$zixly" load webhooks --url "http://127.0.0.1:$api_port" --count 1000 --concurrency "$clients" >/dev/null  # warm-up
# wrk sends webhooks signed beforehand (each id new, so each accepted one is a new job), 12,000
# per second of run at most; its Lua script counts the 202s and prints one JSON line.
wrk_webhooks() {  # connections [port]
  "$venv/bin/python" bench/queue/signed_webhooks.py "$secret" $((12000 * seconds)) "$data/webhooks.txt"
  WEBHOOKS=$data/webhooks.txt wrk -t 2 -c "$1" -d "${seconds}s" -s bench/queue/signed_webhooks.lua \
    "http://127.0.0.1:${2:-$api_port}" -- 2 | tail -n 1
}
zixly_enqueue_wrk=$(wrk_webhooks "$clients")
zixly_enqueue_wrk_more=$(wrk_webhooks "$webhook_connections")
# Then the ceiling and the webhooks at WEBHOOK_CONNECTIONS alternately, RATE_ROUNDS times (default
# 2), each round with its own share: the machine's spells last seconds, as long as one run.
round_wrk=() round_shares=()
for round in $(seq "${RATE_ROUNDS:-2}"); do
  round_tps=$(pgbench_tps "$data/insert.sql")
  round_wrk+=("$(wrk_webhooks "$webhook_connections")")
  round_shares+=("round $round: $(echo "${round_wrk[-1]}" | python3 -c "import json, sys; d = json.load(sys.stdin)
print('pgbench single-row INSERT %d TPS, then webhooks at $webhook_connections connections %.0f/s (%.0f%%), p99 %.1f ms'
      % ($round_tps, d['accepted_per_second'], 100 * d['accepted_per_second'] / $round_tps, d['p99_ms']))")")
done
case "$zixly_enqueue_wrk$zixly_enqueue_wrk_more${round_wrk[*]}" in
  *'"ran_out_of_webhooks":true'*) echo "wrk sent every signed webhook before its time was up (repeats were answered as duplicates): sign more"; exit 1 ;;
esac
zixly_enqueue=$("$zixly" load webhooks --url "http://127.0.0.1:$api_port" --count "${ENQUEUE_COUNT:-20000}" --concurrency "$clients")
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
# The revisions compared: each its own API on its own database, then this tree's again, alternately.
compare_enqueue=()
for rev in "${compare_revs[@]}"; do
  rev_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ZIXLY_DATABASE_URL=$(url "zixly_$rev") "$root/bench/.compare/zixly-$rev" api --port "$rev_port" 2>"$data/api-$rev.log" & pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$rev_port/ready" >/dev/null && break; sleep 0.1; done
  compare_enqueue+=("$rev: $(wrk_webhooks "$webhook_connections" "$rev_port")")
  kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
  "$zixly" api --port "$api_port" 2>>"$data/api.log" & pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$api_port/ready" >/dev/null && break; sleep 0.1; done
  compare_enqueue+=("this tree: $(wrk_webhooks "$webhook_connections")")
  kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
done
zixly_jobs=$(psql -d zixly -c "SELECT count(*) FROM jobs")
this_tree_compare=()
for line in "${compare_enqueue[@]}"; do case "$line" in "this tree: "*) this_tree_compare+=("${line#this tree: }") ;; esac; done
accepted=$(for line in "$zixly_enqueue_wrk" "$zixly_enqueue_wrk_more" "${round_wrk[@]}" "$zixly_enqueue" "${this_tree_compare[@]}"; do echo "$line"; done |
  python3 -c 'import json, sys; print(1000 + sum(json.loads(line)["accepted"] for line in sys.stdin))')
# wrk stops with requests in flight: their jobs are committed but not counted as accepted.
in_flight=$((clients + webhook_connections * (1 + ${RATE_ROUNDS:-2} + ${#compare_revs[@]})))
[ "$zixly_jobs" -ge "$accepted" ] && [ "$zixly_jobs" -le $((accepted + in_flight)) ] ||
  { echo "the jobs table holds $zixly_jobs jobs, but $accepted webhooks were accepted (and at most $in_flight were in flight)"; exit 1; }
"$venv/bin/python" bench/queue/pgqueuer_bench.py install "$(url pgqueuer)"
pgq_enqueue=$("$venv/bin/python" bench/queue/pgqueuer_bench.py enqueue "$(url pgqueuer)" "$seconds" "$clients")
echo "zixly signed webhook -> job, wrk, $clients connections:   $zixly_enqueue_wrk"
echo "zixly signed webhook -> job, wrk, $webhook_connections connections:  $zixly_enqueue_wrk_more"
for line in "${round_shares[@]}"; do echo "$line"; done
echo "zixly signed webhook -> job, zixly load, $clients:  $zixly_enqueue"
echo "pgqueuer single enqueue:              $pgq_enqueue"
for line in "${compare_enqueue[@]}"; do echo "compare, wrk, $webhook_connections connections, $line"; done

# --- 3. no-op throughput ------------------------------------------------------------------------
# DRAIN_ROUNDS rounds (default 2), each a Zixly drain then a pgqueuer drain of JOBS jobs per
# batch size: the machine's slow and fast spells last seconds, so a ratio is only read within a
# round. A batch size b gives each Zixly worker b slots (it claims as many jobs as it has free
# slots, in one statement) and each pgqueuer consumer batch_size b (it dequeues b per query).
# Both queues start each drain empty and vacuumed: the enqueue runs above (and the round before)
# left jobs behind, which a drain would otherwise also process, or step over as dead index entries.
zixly_drain() {  # slots per worker [binary database]
  local binary=${2:-$zixly} db=${3:-zixly}
  psql -d "$db" -c "DELETE FROM jobs"
  psql -d "$db" -c "VACUUM ANALYZE jobs"
  psql -d "$db" -c "INSERT INTO jobs (id, tenant, job_type, state, parameters, priority, attempt, max_attempts, run_at, created_at)
    SELECT gen_random_uuid()::text, 'default', 'noop', 'queued', '{}', 0, 0, 3, now(), now() FROM generate_series(1, $jobs)"
  local started; started=$(date +%s.%N)
  for i in $(seq "$workers"); do
    worker_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    ZIXLY_DATABASE_URL=$(url "$db") ZIXLY_WORKER_CONCURRENCY=$1 "$binary" worker --port "$worker_port" 2>"$data/worker-$i.log" & pids+=($!)
  done
  # Both drains are polled with an EXISTS that stops at the first unfinished job (here through the
  # partial indexes of queued and running jobs): a count(*) would scan the whole table 20 times a
  # second, on the cores the drain runs on.
  until [ "$(psql -d "$db" -c "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'queued') OR EXISTS (SELECT 1 FROM jobs WHERE state = 'running')")" = "f" ]; do
    for i in $(seq "$workers"); do grep -q "invalid configuration" "$data/worker-$i.log" && { cat "$data/worker-$i.log"; exit 1; }; done
    sleep 0.05
  done
  zixly_seconds=$(echo "$(date +%s.%N) - $started" | bc)
  local completed; completed=$(psql -d "$db" -c "SELECT count(*) FROM jobs WHERE state = 'completed'")
  [ "$completed" = "$jobs" ] || { echo "only $completed of $jobs jobs completed"; exit 1; }
  zixly_db_seconds=$(psql -d "$db" -c "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM jobs")
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done; pids=()
}
pgqueuer_drain() {  # batch size
  psql -d pgqueuer -c "DELETE FROM pgqueuer"
  psql -d pgqueuer -c "VACUUM ANALYZE pgqueuer"
  "$venv/bin/python" bench/queue/pgqueuer_bench.py fill "$(url pgqueuer)" "$jobs"
  [ "$(psql -d pgqueuer -c "SELECT count(*) FROM pgqueuer")" = "$jobs" ] || { echo "pgqueuer's queue does not hold exactly $jobs jobs"; exit 1; }
  local started; started=$(date +%s.%N)
  for i in $(seq "$workers"); do "$venv/bin/python" bench/queue/pgqueuer_bench.py drain "$(url pgqueuer)" "$1" & pids+=($!); done
  until [ "$(psql -d pgqueuer -c "SELECT EXISTS (SELECT 1 FROM pgqueuer)")" = "f" ]; do sleep 0.05; done
  pgq_seconds=$(echo "$(date +%s.%N) - $started" | bc)
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done; pids=()
}
for round in $(seq "${DRAIN_ROUNDS:-2}"); do
  for batch in $drain_batches; do
    zixly_drain "$batch"
    pgqueuer_drain "$batch"
    zixly_rate=$(echo "$jobs / $zixly_seconds" | bc -l)
    pgq_rate=$(echo "$jobs / $pgq_seconds" | bc -l)
    printf 'round %d, batch %3d: zixly no-op jobs:     %.0f jobs/s (%d in %.2f s wall, %.2f s first start to last finish)\n' \
      "$round" "$batch" "$zixly_rate" "$jobs" "$zixly_seconds" "$zixly_db_seconds"
    printf 'round %d, batch %3d: pgqueuer no-op jobs:  %.0f jobs/s (%d in %.2f s wall)\n' "$round" "$batch" "$pgq_rate" "$jobs" "$pgq_seconds"
    printf 'round %d, batch %3d: zixly / pgqueuer:     %.2fx\n' "$round" "$batch" "$(echo "$zixly_rate / $pgq_rate" | bc -l)"
    for rev in "${compare_revs[@]}"; do
      zixly_drain "$batch" "$root/bench/.compare/zixly-$rev" "zixly_$rev"
      rev_rate=$(echo "$jobs / $zixly_seconds" | bc -l)
      printf 'round %d, batch %3d: zixly at %s:    %.0f jobs/s (%.2f s first start to last finish); this tree / %s: %.2fx\n' \
        "$round" "$batch" "$rev" "$rev_rate" "$zixly_db_seconds" "$rev" "$(echo "$zixly_rate / $rev_rate" | bc -l)"
    done
  done
done
