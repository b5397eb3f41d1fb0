"""A small fake of the original Zixly's external trading API, for the external executor's tests.

    python fake_trading_api.py PORT API_KEY OUT.jsonl

POST /api/v1/strategy/sweep -> 202 {job_id} (the same id again for a repeated Idempotency-Key);
GET /api/v1/jobs/{id} -> queued, then running (50%), then completed (or failed for ticker FAIL);
GET /api/v1/sweeps/{id}/best -> a best combination made from the request. A request without
"Authorization: Bearer API_KEY" gets 401. Every sweep request is appended to OUT.jsonl.
"""
import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Python"))
from test_http_server import QuietHandler, serve  # noqa: E402

port, api_key, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
sweeps = {}  # id -> {"body", "polls"}
by_key = {}


class Handler(QuietHandler):
    def do_POST(self):
        if not self.authorized():
            return
        if self.path != "/api/v1/strategy/sweep":
            return self.answer_json(404, {"detail": "not found"})
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
        key = self.headers.get("idempotency-key")
        with lock:
            sweep_id = by_key.get(key) or f"sw_{len(sweeps) + 1}"
            if sweep_id not in sweeps:
                sweeps[sweep_id] = {"body": body, "polls": 0}
                if key:
                    by_key[key] = sweep_id
            with open(out, "a") as handle:
                handle.write(json.dumps({"id": sweep_id, "idempotency_key": key, "body": body}) + "\n")
        self.answer_json(202, {"job_id": sweep_id, "status": "queued"})

    def do_GET(self):
        if not self.authorized():
            return
        parts = self.path.strip("/").split("/")
        with lock:
            sweep = sweeps.get(parts[3]) if len(parts) >= 4 else None
            if sweep is None:
                return self.answer_json(404, {"detail": "no such sweep"})
            if parts[2] == "jobs":
                sweep["polls"] += 1
                polls = sweep["polls"]
                if polls == 1:
                    return self.answer_json(200, {"job_id": parts[3], "status": "queued"})
                if polls == 2:
                    return self.answer_json(200, {"job_id": parts[3], "status": "running", "progress": 50})
                if sweep["body"].get("ticker") == "FAIL":
                    return self.answer_json(200, {"job_id": parts[3], "status": "failed", "error": "no data for FAIL"})
                return self.answer_json(200, {"job_id": parts[3], "status": "completed", "progress": 100})
            if parts[2] == "sweeps" and parts[-1] == "best":
                body = sweep["body"]
                return self.answer_json(200, {
                    "fast_period": body["fast_range"][0], "slow_period": body["slow_range"][1], "sharpe_ratio": 1.23,
                    "total_return_pct": 45.6, "max_drawdown_pct": 12.3, "total_trades": 42,
                })
        self.answer_json(404, {"detail": "not found"})

    def authorized(self):
        if self.headers.get("authorization") == f"Bearer {api_key}":
            return True
        self.answer_json(401, {"detail": "missing or wrong API key"})
        return False


serve(port, Handler)
