"""Local stand-ins for the providers: an SMTP server (aiosmtpd) and an HTTP server that answers
like the WhatsApp Business Cloud API, both keeping what they received. Never the internet."""
from __future__ import annotations

import email
import email.policy
import itertools
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPHandler:
    """aiosmtpd handler: keeps each message; `reply` (e.g. "550 ...") refuses DATA instead."""

    def __init__(self):
        self.received: list = []
        self.reply: str | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append({"to": list(envelope.rcpt_tos), "message": msg})
        return "250 OK"


class FakeSMTPServer:
    def __init__(self):
        self.handler = SMTPHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def reset(self):
        self.handler.received.clear()
        self.handler.reply = None

    @property
    def received(self) -> list:
        return self.handler.received


# Error bodies as the Cloud API sends them.
def cloud_error(message: str, code: int, type_: str = "OAuthException", details: str | None = None):
    err = {"message": message, "type": type_, "code": code, "fbtrace_id": "AbCdEf123"}
    if details:
        err["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": err}


class _CloudHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):
        fake: FakeCloudAPI = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw or b"{}")
        with fake.lock:
            fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                  "json": body})
            scripted = fake.script.pop(0) if fake.script else None
        fake.arrived.set()
        if fake.hang.is_set():
            fake.release.wait(60)
            if fake.hang.is_set():
                return
        if scripted is None:
            n = next(fake.ids)
            status, answer = 200, {"messaging_product": "whatsapp",
                                   "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                                   "messages": [{"id": f"wamid.TEST{n:06d}"}]}
        else:
            status, answer = scripted
        data = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client went away (a killed worker)


class FakeCloudAPI:
    """Answers POST /{version}/{phone-number-id}/messages like the Cloud API. `script` holds
    (status, body) answers to give first; `hang` makes it hold requests until `release`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict]] = []
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.hang = threading.Event()
        self.release = threading.Event()
        self.arrived = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _CloudHandler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        self.release.set()  # let any held request go before the next test
        with self.lock:
            self.requests.clear()
            self.script.clear()
        self.hang.clear()
        self.arrived.clear()
        self.release = threading.Event()
