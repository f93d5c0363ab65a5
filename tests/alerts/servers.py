"""Real parts for the alert tests: an SMTP server (aiosmtpd) and a webhook receiver, both on
loopback, settings that send to them, and a dispatcher killed mid-run. Test data: tests.factories."""

import email
import json
import os
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from store.settings import get_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An SMTP server on a loopback port that can be down (not listening) and come up."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None

    def keys(self) -> list[str]:
        return [m["X-Tbtwatch-Idempotency-Key"] for m in self.messages]


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def down_mailbox():
    box = Mailbox()
    yield box
    box.stop()


class Receiver:
    """A webhook receiver on loopback, recording (headers, raw body) and answering ``status``;
    over TLS when given a server context."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.requests: list[tuple[dict, bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _, body in self.requests]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def alert_settings(settings, monkeypatch, mailbox):
    """Settings sending mail to the test mailbox, with quick retries."""
    return configure(monkeypatch, mailbox)


@pytest.fixture
def down_settings(settings, monkeypatch, down_mailbox):
    return configure(monkeypatch, down_mailbox)


def configure(monkeypatch, box: Mailbox, **extra):
    monkeypatch.setenv("TBTWATCH_SMTP_URL", f"smtp://127.0.0.1:{box.port}")
    monkeypatch.setenv("TBTWATCH_MAIL_FROM", "tbtwatch <alerts@tbtwatch.test>")
    monkeypatch.setenv("TBTWATCH_BASE_URL", "https://tbtwatch.test")
    monkeypatch.setenv("TBTWATCH_ALERT_MAX_ATTEMPTS", "3")
    for key, value in extra.items():
        monkeypatch.setenv(f"TBTWATCH_{key.upper()}", str(value))
    get_settings.cache_clear()
    return get_settings()


_KILLED_DISPATCHER = textwrap.dedent("""
    import os, signal, sys, time
    from alerts import channels, outbox
    from alerts.dispatch import dispatch
    from store.db import default_engine
    from store.settings import get_settings

    send, sent = channels.EmailSender.send, []
    def send_then_die(self, address, message, **options):
        send(self, address, message, **options)
        sent.append(address)
        if len(sent) == int(sys.argv[1]):
            os.kill(os.getpid(), signal.SIGKILL)  # sent, not yet recorded
    channels.EmailSender.send = send_then_die

    record_sent = outbox.record_sent
    def slow_record_sent(*args, **kwargs):
        time.sleep(float(sys.argv[2]))
        record_sent(*args, **kwargs)
    outbox.record_sent = slow_record_sent
    dispatch(default_engine(), get_settings())
""")


def dispatch_killed_after(sends: int, *, record_delay: float = 0) -> subprocess.CompletedProcess:
    """Run a dispatcher in a process of its own, on the settings' database, killed (SIGKILL)
    right after it has sent its ``sends``-th e-mail; each send's record takes ``record_delay``
    seconds longer."""
    env = {key: value for key, value in os.environ.items() if key.startswith("TBTWATCH_")}
    return subprocess.run(
        [sys.executable, "-c", _KILLED_DISPATCHER, str(sends), str(record_delay)],
        env=env,
        cwd=".",
        timeout=120,
        check=False,
    )
