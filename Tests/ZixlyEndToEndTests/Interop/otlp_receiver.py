"""A minimal OTLP/HTTP receiver for the tracing test: accepts JSON-encoded exports.

    python otlp_receiver.py PORT OUT.jsonl

POST /v1/traces (application/json) -> 200 {}; each request body is appended to OUT.jsonl as
one line. Anything else gets 404 (or 415 for a non-JSON body). Exits when its parent does.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if self.path != "/v1/traces":
            return self.answer(404)
        if not self.headers.get("content-type", "").startswith("application/json"):
            return self.answer(415)
        export = json.loads(body)
        with lock, open(out, "a") as handle:
            handle.write(json.dumps(export) + "\n")
        self.answer(200)

    def answer(self, status):
        data = b"{}"
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def exit_with_parent(parent=os.getppid()):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
