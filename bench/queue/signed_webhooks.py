"""Writes signed trading-sweep webhooks, one per line, for wrk (bench/queue/signed_webhooks.lua).

    python signed_webhooks.py SECRET COUNT OUT

Each line is `webhook-id<TAB>webhook-timestamp<TAB>webhook-signature`, signed as Standard Webhooks
says (HMAC-SHA256 over "id.timestamp.body" with the base64 key after `whsec_`) over the one body
below, which the Lua script sends. Every id is new, so each accepted request is a new job (a
repeated id would be answered as a duplicate). Signing ahead keeps the load client's CPU out of
the measurement: wrk then spends tens of microseconds per request, on the same two cores.
"""
import base64
import hashlib
import hmac
import sys
import time
import uuid

BODY = '{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}'


def main(secret, count, out):
    if not secret.startswith("whsec_"):
        sys.exit("the secret must start with whsec_")
    key = base64.b64decode(secret[len("whsec_"):])
    run = uuid.uuid4().hex[:8]
    timestamp = str(int(time.time()))
    with open(out, "w") as lines:
        for index in range(count):
            message_id = f"msg_wrk_{run}_{index}"
            digest = hmac.new(key, f"{message_id}.{timestamp}.{BODY}".encode(), hashlib.sha256).digest()
            lines.write(f"{message_id}\t{timestamp}\tv1,{base64.b64encode(digest).decode()}\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
