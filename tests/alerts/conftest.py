"""Real parts for the alert tests: an SMTP server (aiosmtpd) and a webhook receiver, both on
loopback; helpers that store items, classifications and subscriptions."""

import email
import json
import os
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, date, datetime, timedelta
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from alerts.subscriptions import create_subscription
from store.db import session_scope
from store.models import HsTag, ItemClassification, Notification, SectorTag, SubscriptionCreate
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


NOW = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
TODAY = NOW.date()


def add_notification(
    engine,
    *,
    symbol="G/TBT/N/USA/2100",
    member="USA",
    classified=True,
    sectors=None,
    urgency="medium",
    hs_chapters=("85",),
    first_seen=None,
    **fields,
) -> int:
    """A notification, distributed yesterday and open for comment 60 days, classified unless told not."""
    values = {
        "title": "Lithium batteries for e-bikes: safety requirements",
        "committee": "TBT",
        "products_text": "Lithium-ion batteries",
        "hs_codes": ["850760"],
        "ics_codes": ["29.220.30"],
        "distribution_date": TODAY - timedelta(days=1),
        "comment_deadline": TODAY + timedelta(days=60),
        "language": "en",
        "description": "Safety of batteries.",
    }
    values.update(fields)
    parts = symbol.split("/")
    with session_scope(engine) as session:
        row = Notification(
            symbol=symbol,
            base_symbol="/".join(parts[:5]),
            symbol_kind="addendum" if "Add" in symbol else "regular",
            member_code=member,
            first_seen_at=first_seen or NOW - timedelta(hours=1),
            **values,
        )
        session.add(row)
        session.flush()
        if classified:
            classify(session, "notification", row.id, sectors or {"EI": ["HS 8507 core"]}, urgency, hs_chapters)
        return row.id


def classify(session, kind, item_id, sectors, urgency="medium", hs_chapters=("85",), hs_guesses=None):
    """Classification as the classifier stores it: ``hs_chapters`` decided model chapters,
    ``hs_guesses`` (chapter → score) undecided ones."""
    session.add(
        ItemClassification(
            item_kind=kind,
            item_id=item_id,
            edition="2003",
            urgency=urgency,
            urgency_reasons=["deadline in 60 days"],
        )
    )
    for chapter, score, decided in [(c, 0.9, True) for c in hs_chapters] + [
        (c, score, False) for c, score in (hs_guesses or {}).items()
    ]:
        session.add(HsTag(item_kind=kind, item_id=item_id, code=chapter, score=score, decided=decided, origin="model"))
    for code, reasons in sectors.items():
        session.add(
            SectorTag(
                item_kind=kind, item_id=item_id, sector=code, origin="rule", edition="2003", reasons=reasons, score=0.9
            )
        )


def subscribe(engine, *, created=None, user_id=None, **fields) -> int:
    data = SubscriptionCreate(**{"email": "buyer@example.com", **fields})
    with session_scope(engine) as session:
        return create_subscription(session, data, user_id=user_id, now=created or NOW - timedelta(days=30)).id


def clock(moment=NOW):
    return lambda: moment


def date_of(days: int) -> date:
    return TODAY + timedelta(days=days)


_KILLED_DISPATCHER = textwrap.dedent("""
    import os, signal, sys
    from alerts import channels
    from alerts.dispatch import dispatch
    from store.db import default_engine
    from store.settings import get_settings

    send, sent = channels.EmailSender.send, []
    def send_then_die(self, address, message):
        send(self, address, message)
        sent.append(address)
        if len(sent) == int(sys.argv[1]):
            os.kill(os.getpid(), signal.SIGKILL)  # sent, not yet recorded
    channels.EmailSender.send = send_then_die
    dispatch(default_engine(), get_settings())
""")


def dispatch_killed_after(sends: int) -> subprocess.CompletedProcess:
    """Run a dispatcher in a process of its own, on the settings' database, killed (SIGKILL)
    right after it has sent its ``sends``-th e-mail."""
    env = {key: value for key, value in os.environ.items() if key.startswith("TBTWATCH_")}
    return subprocess.run(
        [sys.executable, "-c", _KILLED_DISPATCHER, str(sends)], env=env, cwd=".", timeout=120, check=False
    )
