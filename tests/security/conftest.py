"""Fixtures of the security suite: a loopback listener that records every TCP connection and
UDP datagram it receives, a redirector to it, and (re-exported) the app, accounts and mailbox of the other suites."""

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.alerts.servers import alert_settings, mailbox  # noqa: F401 (fixtures)
from tests.service.api_fixtures import api, users  # noqa: F401 (fixtures)
from tests.service.web_helpers import accounts, app  # noqa: F401 (fixtures)


class Listener:
    """TCP and UDP on one loopback port; ``hits`` lists what reached it ("tcp" or "udp")."""

    def __init__(self) -> None:
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(64)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.hits: list[str] = []
        self._open = True
        for target in (self._accept, self._receive):
            threading.Thread(target=target, daemon=True).start()

    def _accept(self) -> None:
        while self._open:
            try:
                connection, _ = self.tcp.accept()
            except OSError:
                return
            self.hits.append("tcp")
            connection.close()

    def _receive(self) -> None:
        while self._open:
            try:
                self.udp.recvfrom(65536)
            except OSError:
                return
            self.hits.append("udp")

    def close(self) -> None:
        self._open = False
        for sock in (self.tcp, self.udp):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@dataclass
class Redirector:
    port: int
    asked: list[str] = field(default_factory=list)  # the paths requested


@pytest.fixture
def redirector(listener: Listener) -> Iterator[Redirector]:
    """An HTTP server on 127.0.0.2 answering every GET and POST with a redirect to the listener."""
    redirects: list[Redirector] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            redirects[0].asked.append(self.path)
            self.send_response(307)
            self.send_header("Location", f"http://127.0.0.1:{listener.port}/inside")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    redirects.append(Redirector(server.server_port))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield redirects[0]
    server.shutdown()
    server.server_close()
