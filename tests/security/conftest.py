"""Fixtures of the security suite: a loopback listener that records every TCP connection and
UDP datagram it receives, and (re-exported) the app, accounts and mailbox of the other suites."""

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.alerts.conftest import alert_settings, mailbox  # noqa: F401 (fixtures)
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
