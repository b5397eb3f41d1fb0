"""Leans on a running `zixly up` as a hostile client would and prints what it measured.

Usage: abuse.py BASE_URL ADMIN_KEY PID HEADER_TIMEOUT_SECONDS
Prints /health latency at rest and under a 32-client wrong-password flood, the share of slow
sockets closed within the header timeout, results?limit=1 latency at 1,000 and 124,750 rows,
the job page's size for the large sweep, and the server's RSS at each step.
"""
import http.cookiejar, json, re, socket, statistics, sys, threading, time, urllib.error, urllib.parse, urllib.request

base, admin, pid, header_timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port


def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def request(path, data=None, headers=None, opener=None, method=None):
    req = urllib.request.Request(base + path, data=data, headers=headers or {}, method=method)
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def latencies(path, seconds=None, count=None):
    times, end = [], time.time() + (seconds or 1e9)
    while time.time() < end and (count is None or len(times) < count):
        start = time.perf_counter()
        request(path)
        times.append((time.perf_counter() - start) * 1000)
    return times


def describe(times):
    times = sorted(times)
    return f"p50 {statistics.median(times):.1f} ms, p99 {times[int(len(times) * 0.99) - 1]:.1f} ms, max {times[-1]:.1f} ms ({len(times)} requests)"


def signed_in_opener():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), urllib.request.HTTPRedirectHandler())
    request("/login", urllib.parse.urlencode({"api_key": admin}).encode(), opener=opener)
    return opener


bearer = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
print(f"RSS idle after start: {rss_mb():.0f} MB")

# A user to aim the flood at.
opener = signed_in_opener()
_, page = request("/settings", opener=opener)
csrf = re.search(rb'name="_csrf" value="([^"]+)"', page).group(1).decode()
request("/settings/users", urllib.parse.urlencode({"_csrf": csrf, "username": "victim", "password": "a long passphrase", "role": "viewer"}).encode(), opener=opener)

rest = latencies("/health", count=300)
print(f"/health at rest: {describe(rest)}")
stop, outcomes = threading.Event(), {}
def flood():
    while not stop.is_set():
        try:
            status, _ = request("/login", urllib.parse.urlencode({"username": "victim", "password": "wrong guess here"}).encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        except OSError:
            status = "no answer in 60 s"
        outcomes[status] = outcomes.get(status, 0) + 1
threads = [threading.Thread(target=flood) for _ in range(32)]
for thread in threads: thread.start()
time.sleep(1)
under = latencies("/health", seconds=10)
stop.set()
for thread in threads: thread.join()
print(f"/health under a 32-client wrong-password flood: {describe(under)}; sign-in answers {outcomes}")
print(f"flood p50 / rest p50: {statistics.median(under) / statistics.median(rest):.2f}x (target: within 2x)")
print(f"RSS after the flood: {rss_mb():.0f} MB")

# Slow sockets: half send nothing, half trickle a header line every second.
sockets = [socket.create_connection((host, port)) for _ in range(200)]
for index, sock in enumerate(sockets):
    sock.settimeout(0.05)
    if index % 2: sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
opened, closed_at = time.time(), {}
while time.time() - opened < header_timeout + 5 and len(closed_at) < len(sockets):
    for index, sock in enumerate(sockets):
        if index in closed_at: continue
        try:
            if sock.recv(1024) == b"": closed_at[index] = time.time() - opened
        except socket.timeout:
            if index % 2 and int(time.time() - opened) % 1 == 0:
                try: sock.sendall(b"X-Slow: 1\r\n")
                except OSError: closed_at[index] = time.time() - opened
        except OSError:
            closed_at[index] = time.time() - opened
within = sum(1 for seconds in closed_at.values() if seconds <= header_timeout + 1)
print(f"slow sockets closed within the {header_timeout:.0f} s header timeout (+1 s): {within} of {len(sockets)} ({100 * within / len(sockets):.0f}%)")
for sock in sockets: sock.close()

# Results at 1,000 and 124,750 rows.
def sweep(fast, slow):
    body = json.dumps({"job_type": "trading-sweep", "ticker": "GOOG", "config": {"fast_range": fast, "slow_range": slow, "step": 1, "min_trades": 10}})
    _, created = request("/api/pipelines", body.encode(), headers=bearer)
    job = json.loads(created)["job"]["id"]
    while True:
        _, shown = request(f"/api/pipelines/{job}", headers=bearer)
        state = json.loads(shown)["status"]
        if state in ("completed", "failed", "cancelled"): return job, json.loads(shown)
        time.sleep(1)
for label, fast, slow in [("1,000", [1, 20], [21, 70]), ("124,750", [1, 499], [2, 500])]:
    job, shown = sweep(fast, slow)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        status, _ = request(f"/api/pipelines/{job}/results?limit=1", headers=bearer)
        times.append((time.perf_counter() - start) * 1000)
    print(f"results?limit=1 at {label} rows: {describe(times)} (job took {shown.get('duration_seconds', 0):.1f} s)")
_, page = request(f"/jobs/{job}", opener=signed_in_opener())
print(f"job page of the 124,750-combination sweep: {len(page) / 1024:.0f} KiB (target: under 1 MB)")
print(f"RSS after the sweeps and reads: {rss_mb():.0f} MB")
time.sleep(5)
print(f"RSS 5 s later, idle: {rss_mb():.0f} MB")
