"""Engines and sessions. No engine exists until :func:`make_engine` is called."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from store import unicode
from store.search_text import index_text
from store.settings import get_settings


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url``; SQLite files get their folder, WAL and foreign keys."""
    parsed = make_url(url)
    kwargs.setdefault("json_serializer", unicode.dumps)
    kwargs.setdefault("json_deserializer", unicode.loads)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # the full-text index's triggers call it (store.search_index)
        dbapi_connection.create_function("tbtwatch_index_text", 2, index_text, deterministic=True)

    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@lru_cache
def default_engine() -> Engine:
    """The engine of this process, for the URL in the settings (made on first use)."""
    return make_engine(get_settings().effective_database_url)


def rows_affected(result: Result) -> int:
    """How many rows an UPDATE or DELETE touched (``Session.execute`` types its result as a plain
    :class:`~sqlalchemy.Result`; for those statements it is a cursor result)."""
    return cast(CursorResult, result).rowcount


def driver_connection(connection: Connection) -> Any:
    """The driver's own connection under ``connection`` (sqlite3's or psycopg's), for what
    SQLAlchemy does not offer: psycopg's COPY and prepare threshold, sqlite3's limits."""
    driver = connection.connection.driver_connection
    if driver is None:  # only once the connection is invalidated
        raise RuntimeError("the database connection was invalidated")
    return driver
