"""Engines and sessions. No engine exists until :func:`make_engine` is called.

Importing this imports neither the ORM nor the settings object: a quick command reads with
SQLAlchemy Core (``store.queries.quick_lists``) through :func:`default_engine`."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import make_url

from store import environment, unicode
from store.pool_ping import ping_when_suspect
from store.search_index import sqlite_filter_keys, sqlite_fts_keys
from store.search_text import index_text

if TYPE_CHECKING:
    from sqlmodel import Session

SQLITE_MMAP_BYTES = 1 << 30  # of a SQLite file mapped into memory; beyond it, pages are read


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url``; SQLite files get their folder, WAL and foreign keys."""
    parsed = make_url(url)
    kwargs.setdefault("json_serializer", unicode.dumps)
    kwargs.setdefault("json_deserializer", unicode.loads)
    if parsed.get_backend_name() != "sqlite":
        if parsed.get_driver_name() != "psycopg":
            kwargs.setdefault("pool_pre_ping", True)
        server = create_engine(url, **kwargs)
        if not kwargs.get("pool_pre_ping"):
            ping_when_suspect(server)  # psycopg's connections: tested when they may be dead, not at every checkout
        return server
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
        # read the file through shared memory rather than a read call and a copy per page:
        # a search reads thousands of pages (in-process search mix: 42 -> 31 ms of CPU a search)
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()
        # the search index's triggers call them (store.search_index)
        dbapi_connection.create_function("tbtwatch_index_text", 2, index_text, deterministic=True)
        dbapi_connection.create_function("tbtwatch_filter_keys", 3, sqlite_filter_keys, deterministic=True)
        dbapi_connection.create_function("tbtwatch_fts_keys", 3, sqlite_fts_keys, deterministic=True)

    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator["Session"]:
    """A session that commits on success and rolls back on error."""
    from sqlmodel import Session  # the ORM: not for what a quick command reads with Core

    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def quick_commits(engine: Engine) -> Iterator[Connection]:
    """A connection whose commits survive this process being killed, but not the machine
    losing power or the database server crashing: for records written one at a time, many a
    second, whose loss on such a crash costs little (the outbox's sends: at worst a few
    messages go out once more, under the same idempotency key).

    Why not the default: a commit normally waits for the disk (fsync), which costs more than
    sending an e-mail. In SQLite's WAL mode ``synchronous=NORMAL`` writes each commit to the
    WAL file without that wait; the operating system keeps what was written when a process
    dies, so only a power loss or an OS crash can lose the last commits. PostgreSQL's
    ``synchronous_commit=off`` answers a commit before the WAL is flushed: the server has
    the transaction whatever happens to the client, and only a server crash can lose the
    last fraction of a second of commits. Both are reset when the block ends.

    On PostgreSQL the connection also commits each statement by itself (autocommit: no
    BEGIN and COMMIT round trips), so a record that must be whole is one statement there."""
    with engine.connect() as connection:
        if is_postgresql(engine):
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("SET synchronous_commit TO off"))
            reset = "RESET synchronous_commit"
        else:
            previous = connection.execute(text("PRAGMA synchronous")).scalar_one()
            connection.execute(text("PRAGMA synchronous=NORMAL"))
            reset = f"PRAGMA synchronous={int(previous)}"
        connection.commit()
        try:
            yield connection
            connection.commit()
        finally:
            connection.rollback()
            connection.execute(text(reset))
            connection.commit()


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@lru_cache
def default_engine() -> Engine:
    """The engine of this process, for the URL in the settings (made on first use)."""
    return make_engine(environment.database_url())


def reading_engine() -> Engine:
    """:func:`default_engine` in autocommit, for reads that need no transaction of their own
    (each statement sees what was committed when it started, as in PostgreSQL's default READ
    COMMITTED): no BEGIN and ROLLBACK, two round trips to a database server. The same pool;
    a connection is back in its usual mode when returned to it."""
    return _autocommit(default_engine())


@lru_cache(maxsize=4)
def _autocommit(engine: Engine) -> Engine:
    return engine.execution_options(isolation_level="AUTOCOMMIT")


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
