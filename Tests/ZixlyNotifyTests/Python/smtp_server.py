"""A real SMTP server (aiosmtpd) that appends each message it accepts to a JSON-lines file.

    python smtp_server.py plain PORT OUT.jsonl
    python smtp_server.py tls PORT OUT.jsonl CERT.pem KEY.pem   # STARTTLS required, AUTH zixly/letmein

Prints "ready" once it listens.
"""
import email
import email.policy
import json
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        # Alertmanager sends multipart/alternative (HTML and text): the text part is the body.
        part = message.get_body(preferencelist=("plain", "html")) if message.is_multipart() else message
        record = {
            "from": envelope.mail_from, "to": envelope.rcpt_tos, "subject": str(message["subject"]),
            "body": part.get_content() if part is not None else "", "tls": session.ssl is not None, "authenticated": bool(session.authenticated),
        }
        with open(self.path, "a") as handle:
            handle.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"zixly" and auth_data.password == b"letmein"
    return AuthResult(success=ok, handled=False)


def main():
    mode, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    options = {}
    if mode == "tls":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
        options = dict(tls_context=context, require_starttls=True, authenticator=authenticator, auth_require_tls=True)
    controller = Controller(Recorder(out), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print("ready", flush=True)
    parent = os.getppid()
    while os.getppid() == parent:  # leave when the test process is gone
        time.sleep(0.5)


if __name__ == "__main__":
    main()
