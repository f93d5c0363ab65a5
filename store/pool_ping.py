"""A database server's connection is tested before use only when it may be dead, instead of
on every checkout from the pool (SQLAlchemy's ``pool_pre_ping``).

Why: the pre-ping is a round trip on every checkout, and a search checks a connection out
once: its wait, and about 0.05 ms of the web process's CPU and 0.02 ms of PostgreSQL's
(PostgreSQL 15 on loopback; testing the socket costs 2 microseconds). What it is there for, a connection the server closed
(a restart, a terminated backend, ``idle_session_timeout``), shows without a round trip: the
server's farewell (its error message, then the end of the stream) waits in the socket, which
a healthy idle connection leaves empty. So a connection is pinged as before when its socket
has something to read, when the driver already counts it broken, or when it sat in the pool
longer than :data:`IDLE_SECONDS` (what a firewall may have dropped silently); a failed ping
has the pool open a new connection, as ``pool_pre_ping`` does.
"""

import select
import time

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

IDLE_SECONDS = 30.0
_RETURNED = "tbtwatch_returned_at"


def ping_when_suspect(engine: Engine) -> None:
    """Install the test on ``engine``'s pool (a server database: one whose driver connections
    have a socket, ``pgconn.socket`` as psycopg's)."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _test(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get(_RETURNED)
        if returned is not None and time.monotonic() - returned < IDLE_SECONDS and not _suspect(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool replaces the connection, as pool_pre_ping does
            raise DisconnectionError(f"the database connection failed its test: {error}") from error


def _suspect(dbapi_connection) -> bool:
    """Whether the connection may be dead: broken by the driver's account, or its socket holds
    something the server said while nobody asked (or cannot be read at all)."""
    if dbapi_connection.broken or dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.pgconn.socket, select.POLLIN)
    return bool(poller.poll(0))
