"""A pooled PostgreSQL connection is tested only when it may be dead (store.pool_ping): one the
server ended is replaced at checkout, a healthy one is used without a round trip."""

import pytest
from sqlalchemy import text

from store.db import make_engine


@pytest.fixture
def server_engine(database_url, db_engine):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to lose a connection to")
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_the_server_ended_is_replaced(server_engine, db_engine):
    first = _backend(server_engine)
    with db_engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        connection.execute(text("SELECT pg_sleep(0.2)"))  # the farewell reaches the pooled socket
    assert _backend(server_engine) not in (first, None)


def test_a_healthy_connection_is_not_pinged(server_engine, monkeypatch):
    _backend(server_engine)  # a new connection, tested once
    pings: list[object] = []
    ping = server_engine.dialect.do_ping
    monkeypatch.setattr(
        server_engine.dialect, "do_ping", lambda connection: pings.append(connection) or ping(connection)
    )
    for _ in range(3):
        _backend(server_engine)
    assert not pings
