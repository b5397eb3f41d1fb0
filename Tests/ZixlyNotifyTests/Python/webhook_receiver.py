"""A webhook receiver that checks every request with the reference Standard Webhooks library
(PyPI `standardwebhooks`) and appends what it got to a JSON-lines file.

    python webhook_receiver.py PORT SECRET OUT.jsonl

Behaviour by path: /ok answers 204; /flaky answers 500 to its first two requests, then 200;
/slow waits 10 s before answering 200; /gone answers 410. A request whose signature does not
verify gets 401. Prints "ready" once it listens.
"""
import json
import sys
import threading
import time
from pathlib import Path

from standardwebhooks.webhooks import Webhook

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Python"))
from test_http_server import QuietHandler, serve  # noqa: E402

port, secret, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
webhook = Webhook(secret)
lock = threading.Lock()
counts = {}


class Handler(QuietHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            webhook.verify(body, headers)
            verified = True
        except Exception as error:  # the library raises WebhookVerificationError
            verified = False
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            n = counts[self.path]
            with open(out, "a") as handle:
                handle.write(json.dumps({
                    "path": self.path, "n": n, "verified": verified, "id": headers.get("webhook-id"),
                    "user_agent": headers.get("user-agent"), "body": body.decode(), "at": time.time(),
                }) + "\n")
        if not verified:
            return self.answer(401, b"bad signature")
        if self.path == "/flaky" and n <= 2:
            return self.answer(500, b"not yet")
        if self.path == "/slow":
            # Far beyond the client's timeout, so even a deadline that fires late on a loaded
            # machine never sees the answer.
            time.sleep(10)
        if self.path == "/gone":
            return self.answer(410, b"gone")
        self.answer(204 if self.path == "/ok" else 200, b"")


serve(port, Handler)
