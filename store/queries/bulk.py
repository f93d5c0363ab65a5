"""Storing notifications in batches: what a crawl of thousands of rows uses.

:func:`upsert_notifications` gives each input the outcome :func:`upsert_notification` would
(new, updated with its change kept, unchanged) in a few statements per batch: one SELECT of
the batch's stored rows, one multi-row INSERT (on PostgreSQL a COPY) of its new symbols.
Changed rows, rare after the first ingest, go through :func:`store.queries.upsert.upsert_item`
one by one. What needs no database (keys, contents, hashes, the new rows' values) is worked out
first, by :func:`prepare_notifications`, which a crawl runs while the database stores the batch
before.

On SQLite a large batch's new rows enter the full-text index (``store.search_index``) in one
statement instead of one trigger call each, which is several times faster: the insert
trigger is dropped and recreated inside the batch's own transaction, so no other connection
ever sees it missing and a failed batch rolls the whole of it back.

A *partial* input comes from a source that publishes only some fields (the latest-notifications
feed, the bulk workbook): its empty fields keep the stored values instead of blanking them.
"""

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from json.encoder import encode_basestring_ascii
from sqlite3 import SQLITE_LIMIT_VARIABLE_NUMBER

from sqlalchemy import JSON, Dialect, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from store.db import driver_connection
from store.models import Notification, NotificationCreate
from store.models.types import table_of, utcnow
from store.queries.notifications import notification_key_and_content, remember_member_spelling
from store.queries.upsert import Outcome, content_hash, upsert_item
from store.search_index import fts_table, sqlite_index_rows, sqlite_triggers

BULK_INDEX_MIN_ROWS = 100


@dataclass(frozen=True)
class NotificationInput:
    notification: NotificationCreate
    external_id: str | None = None
    raw: dict | None = None
    partial: bool = False


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _merge(content: dict, stored: dict) -> dict:
    return {field: stored[field] if _empty(value) else value for field, value in content.items()}


@dataclass(frozen=True)
class PreparedBatch:
    """A batch of notifications with what storing it takes and no database gives: each input's
    key, content and content hash, and its values as a new row (:func:`prepare_notifications`).
    A crawl prepares a batch while the database stores the one before."""

    source: str
    inputs: Sequence[NotificationInput]
    keys: list[dict]
    contents: list[dict]
    digests: list[str]
    columns: list[str]
    rows: list[tuple]


def prepare_notifications(inputs: Sequence[NotificationInput], *, source: str, dialect: Dialect) -> PreparedBatch:
    """``inputs`` prepared for storing through ``dialect``. Raises like
    :func:`upsert_notification` on an invalid symbol.

    A row's values go through each column's own bind processing (dates, UTC date-times), JSON
    to the same text as its, as an INSERT would send them; they go to the driver as they are
    (:func:`upsert_prepared`): for a batch, SQLAlchemy's statement and parameter handling costs
    more than the database's own work."""
    keys, contents = [], []
    for item in inputs:
        key, content = notification_key_and_content(item.notification, source=source, external_id=item.external_id)
        keys.append(key)
        contents.append(content)
    digests = [content_hash(content) for content in contents]
    fields = list(contents[0]) if contents else []
    columns = ["symbol", *fields, "source", "external_id", "raw", "content_hash", "first_seen_at", "last_changed_at"]
    table, now = table_of(Notification), utcnow()
    processors = [
        _json_text if isinstance(table.c[name].type, JSON) else table.c[name].type._cached_bind_processor(dialect)
        for name in columns
    ]
    rows = [
        tuple(
            [
                process(value) if process else value
                for process, value in zip(
                    processors,
                    (
                        key.get("symbol"),
                        *(content[field] for field in fields),
                        source,
                        item.external_id,
                        item.raw or {},
                        digest,
                        now,
                        now,
                    ),
                    strict=False,
                )
            ]
        )
        for item, key, content, digest in zip(inputs, keys, contents, digests, strict=False)
    ]
    return PreparedBatch(source, inputs, keys, contents, digests, columns, rows)


def upsert_notifications(session: Session, *, inputs: Sequence[NotificationInput], source: str) -> list[Outcome]:
    """Store a batch of notifications; returns the outcome of each input, in order. Raises
    like :func:`upsert_notification` on an invalid symbol (nothing of the batch is flushed then)."""
    return upsert_prepared(session, prepare_notifications(inputs, source=source, dialect=session.get_bind().dialect))


def upsert_prepared(session: Session, batch: PreparedBatch) -> list[Outcome]:
    """Store a prepared batch (see :func:`upsert_notifications`)."""
    for item in batch.inputs:
        remember_member_spelling(session, notification=item.notification)
    first_of: dict[str, int] = {}
    for index, key in enumerate(batch.keys):
        if key.get("symbol") is not None:
            first_of.setdefault(key["symbol"], index)
    stored = _stored_content(session, symbols=list(first_of), fields=list(batch.contents[0]) if batch.contents else [])

    outcomes: list[Outcome | None] = [None] * len(batch.inputs)
    for symbol, row in stored.items():
        index = first_of[symbol]
        item, content, digest = batch.inputs[index], batch.contents[index], batch.digests[index]
        if item.partial:
            content = _merge(content, row)
            digest = content_hash(content)
        outcomes[index] = (
            "unchanged"
            if row["content_hash"] == digest
            else _upsert_one(session, item, batch.keys[index], content, batch.source)
        )
    new = [index for symbol, index in first_of.items() if symbol not in stored]
    if new:
        _insert(session, batch.columns, [batch.rows[index] for index in new])
        for index in new:
            outcomes[index] = "new"

    done: list[Outcome] = []
    for index, outcome in enumerate(outcomes):
        if outcome is not None:
            done.append(outcome)
            continue
        # a repeated symbol in this batch, or a record without a symbol
        item, key, content = batch.inputs[index], batch.keys[index], batch.contents[index]
        if item.partial and key.get("symbol") is not None:
            content = _merge(
                content, _stored_content(session, symbols=[key["symbol"]], fields=list(content))[key["symbol"]]
            )
        done.append(_upsert_one(session, item, key, content, batch.source))
    return done


def _insert(session: Session, columns: list[str], rows: list[tuple]) -> None:
    """New rows straight to the driver: on PostgreSQL in one COPY, on SQLite in one multi-row
    INSERT (an executemany steps its statement once per row, taking the GIL back after each: a
    writer thread then waits for the parsing thread at every row)."""
    if session.get_bind().dialect.name == "postgresql":
        with _copy(session, columns) as copy:
            for row in rows:
                copy.write_row(row)
        return
    table, fts = Notification.__tablename__, fts_table(Notification.__tablename__)
    connection, trigger = session.connection(), f"{fts}_ai"
    bulk_index = (
        len(rows) >= BULK_INDEX_MIN_ROWS
        and connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
        ).first()
        is not None
    )
    if bulk_index:
        last_id = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()
        connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
    placeholders = f"({', '.join('?' * len(columns))})"
    per_statement = driver_connection(connection).getlimit(SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholders] * len(chunk))}",
            tuple(chain.from_iterable(chunk)),
        )
    if bulk_index:
        connection.exec_driver_sql(f"{sqlite_index_rows(table)} WHERE id > ?", (last_id,))
        connection.exec_driver_sql(
            next(s for s in sqlite_triggers(table) if s.startswith(f"CREATE TRIGGER {trigger} "))
        )


def _json_text(value) -> str:
    """``json.dumps(value)``, as the JSON columns store it, several times faster for their
    usual value, a flat list of strings (json.dumps costs more than the rest of the row)."""
    if type(value) is list and all(type(v) is str for v in value):
        return "[" + ", ".join(map(encode_basestring_ascii, value)) + "]"
    return json.dumps(value)


@contextmanager
def _copy(session: Session, columns: list[str]) -> Iterator:
    """PostgreSQL: a COPY into the notification table (an executemany INSERT runs one statement
    per row, which costs the server more than the row); the driver's errors are raised as
    SQLAlchemy's, as a statement's would be."""
    dialect = session.get_bind().dialect
    statement = f"COPY {Notification.__tablename__} ({', '.join(columns)}) FROM STDIN"
    cursor = driver_connection(session.connection()).cursor()
    try:
        with cursor, cursor.copy(statement) as copy:
            yield copy
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect) from error


def _upsert_one(session: Session, item: NotificationInput, key: dict, content: dict, source: str) -> Outcome:
    return upsert_item(
        session,
        model=Notification,
        item_kind="notification",
        key=key,
        content=content,
        extra={"source": source, "external_id": item.external_id, "raw": item.raw or {}},
        source=source,
    ).outcome


def _stored_content(session: Session, *, symbols: list[str], fields: list[str]) -> dict[str, dict]:
    """The stored content fields and hash of the rows of ``symbols`` (the raw payloads stay unread)."""
    if not symbols:
        return {}
    table = table_of(Notification)
    columns = [table.c[name] for name in dict.fromkeys(["symbol", "content_hash", *fields])]
    if session.get_bind().dialect.name == "postgresql":
        # one array parameter: binding an IN list of a thousand costs more than the query
        matching = table.c.symbol == any_(bindparam("symbols", symbols, type_=ARRAY(String)))
    else:
        matching = table.c.symbol.in_(symbols)
    return {row["symbol"]: dict(row) for row in session.execute(select(*columns).where(matching)).mappings()}
