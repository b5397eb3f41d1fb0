"""Signs and sends trading-sweep webhooks with the reference Python library (PyPI `standardwebhooks`),
and verifies a Zixly-made signature with it. Run by InteropTests.swift:

    python standardwebhooks_client.py send URL SECRET MSG_ID BODY   -> prints the HTTP status and body
    python standardwebhooks_client.py verify SECRET MSG_ID TIMESTAMP SIGNATURE BODY -> prints "verified"
"""
import datetime
import sys
import urllib.error
import urllib.request

from standardwebhooks.webhooks import Webhook


def send(url, secret, msg_id, body):
    now = datetime.datetime.now(tz=datetime.timezone.utc)
    signature = Webhook(secret).sign(msg_id, now, body)
    request = urllib.request.Request(
        url + "/webhook/trading-sweep",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request) as response:
            print(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        print(error.code, error.read().decode())


def verify(secret, msg_id, timestamp, signature, body):
    Webhook(secret).verify(body, {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature})
    print("verified")


if __name__ == "__main__":
    {"send": send, "verify": verify}[sys.argv[1]](*sys.argv[2:])
