#!/usr/bin/env bash
# Combination page benchmark (not a test): what a view of /jobs/{id}/combinations/{fast}/{slow}
# costs on a BARS-bar dataset (1,000,000 minute bars by default), the first time (the dataset
# read and parsed) and again (kept parsed by the job type: RecentLoads, 2 datasets), one at a
# time and 8 at once. The page replays the combination and renders its chart and trades either way.
#
#   bench/dashboard/combination.sh                release build in .build-release
#   BARS=200000 ZIXLY_BINARY=.build/debug/zixly bench/dashboard/combination.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
bars=${BARS:-1000000}
if [ -z "${ZIXLY_BINARY:-}" ]; then
  echo "== building zixly (release, in .build-release)"
  swift build -c release --product zixly --scratch-path "$root/.build-release" >/dev/null
  ZIXLY_BINARY=$root/.build-release/release/zixly
fi
work=$(mktemp -d /tmp/zixly-combination.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
admin=zk_combination_bench_admin_0123456789
python3 scripts/make-synthetic-data.py --bars "$bars" --minutes > "$work/bars.csv"
ZIXLY_ADMIN_API_KEY=$admin ZIXLY_DATA_DIR="$work/data" ZIXLY_LOG_LEVEL=error "$ZIXLY_BINARY" up --port "$port" >"$work/up.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
echo "== zixly up ($ZIXLY_BINARY), $(nproc) cores, $bars bars ($(du -h "$work/bars.csv" | cut -f1))"
curl -fsS -X POST -H "Authorization: Bearer $admin" -H "Content-Type: text/csv" --data-binary "@$work/bars.csv" \
  "http://127.0.0.1:$port/api/datasets/BENCH" >/dev/null
python3 - "$port" "$admin" "$pid" <<'PY'
import concurrent.futures, http.cookiejar, json, statistics, sys, time, urllib.request
port, admin, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3]
base = f"http://127.0.0.1:{port}"
def api(method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"})
    try:
        return json.load(urllib.request.urlopen(request))
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {path}: {error.code} {error.read().decode()}")
job = api("POST", "/api/pipelines", {"job_type": "trading-sweep", "config": {"ticker": "BENCH", "fast_range": [5, 6], "slow_range": [20, 21], "min_trades": 10}})["job"]["id"]
while api("GET", f"/api/pipelines/{job}")["status"] not in ("completed", "failed"):
    time.sleep(0.2)
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args): return None
try:
    urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(jar)).open(base + "/login", data=f"api_key={admin}".encode())
except urllib.error.HTTPError:
    pass  # the 303 to / sets the session cookie
def view():
    started = time.perf_counter()
    page = opener.open(f"{base}/jobs/{job}/combinations/5/20").read()
    return time.perf_counter() - started, len(page)
def rss():
    return next(int(line.split()[1]) // 1024 for line in open(f"/proc/{pid}/status") if line.startswith("VmRSS:"))
first, size = view()
print(f"first view (read and parse the dataset, replay, render): {first * 1000:8.1f} ms, page {size / 1024:.0f} KiB, resident {rss()} MiB")
again = [view()[0] for _ in range(10)]
print(f"again, one at a time (kept parsed), median of 10:         {statistics.median(again) * 1000:8.1f} ms")
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    started = time.perf_counter()
    times = list(pool.map(lambda _: view()[0], range(32)))
    wall = time.perf_counter() - started
print(f"32 views, 8 at once: {32 / wall:6.1f} views/s, median {statistics.median(times) * 1000:.1f} ms; resident {rss()} MiB")
PY
