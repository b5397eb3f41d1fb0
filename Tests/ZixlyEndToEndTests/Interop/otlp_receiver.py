"""A minimal OTLP/HTTP receiver for the tracing test: accepts JSON-encoded exports.

    python otlp_receiver.py PORT OUT.jsonl

POST /v1/traces (application/json) -> 200 {}; each request body is appended to OUT.jsonl as
one line. Anything else gets 404 (or 415 for a non-JSON body). Exits when its parent does.
"""
import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Python"))
from test_http_server import QuietHandler, serve  # noqa: E402

port, out = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()


class Handler(QuietHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if self.path != "/v1/traces":
            return self.answer(404, b"{}", "application/json")
        if not self.headers.get("content-type", "").startswith("application/json"):
            return self.answer(415, b"{}", "application/json")
        export = json.loads(body)
        with lock, open(out, "a") as handle:
            handle.write(json.dumps(export) + "\n")
        self.answer(200, b"{}", "application/json")


serve(port, Handler)
