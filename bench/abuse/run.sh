#!/usr/bin/env bash
# Abuse benchmark (not a test): starts `zixly up` on a fresh data dir and leans on it as a hostile
# client would: a 32-client wrong-password flood beside /health, 200 slow sockets, results reads
# at 1,000 and 124,750 rows, the job page of the large sweep, and the RSS at each step.
#
#   bench/abuse/run.sh                      release build in .build-release
#   ZIXLY_BINARY=.build/debug/zixly bench/abuse/run.sh   an existing binary
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
if [ -z "${ZIXLY_BINARY:-}" ]; then
  echo "== building zixly (release, in .build-release)"
  swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null
  ZIXLY_BINARY=$root/.build-release/release/zixly
fi
header_timeout=${HEADER_TIMEOUT:-5}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d /tmp/zixly-abuse.XXXXXX)
admin=zk_abuse_bench_admin_0123456789
ZIXLY_ADMIN_API_KEY=$admin ZIXLY_DATA_DIR="$data" ZIXLY_LOG_LEVEL=error ZIXLY_HTTP_HEADER_TIMEOUT_SECONDS=$header_timeout \
  ZIXLY_WORKER_CONCURRENCY=1 "$ZIXLY_BINARY" up --port "$port" >"$data/up.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
echo "== zixly up ($ZIXLY_BINARY) on port $port, pid $pid, $(nproc) cores"
python3 bench/abuse/abuse.py "http://127.0.0.1:$port" "$admin" "$pid" "$header_timeout"
