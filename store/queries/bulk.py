"""Storing notifications in batches: what a crawl of thousands of rows uses.

:func:`upsert_notifications` gives each input the outcome :func:`upsert_notification` would
(new, updated with its change kept, unchanged) in a few statements per batch: one SELECT of
the batch's stored rows, one multi-row INSERT (on PostgreSQL a COPY) of its new symbols. Changed rows, rare after the
first ingest, go through :func:`store.queries.upsert.upsert_item` one by one.

On SQLite a large batch's new rows enter the full-text index (``store.search_index``) in one
statement instead of one trigger call each, which is several times faster: the insert
trigger is dropped and recreated inside the batch's own transaction, so no other connection
ever sees it missing and a failed batch rolls the whole of it back.

A *partial* input comes from a source that publishes only some fields (the latest-notifications
feed, the bulk workbook): its empty fields keep the stored values instead of blanking them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, text
from sqlmodel import Session, col, select

from store.models import Notification, NotificationCreate
from store.models.types import utcnow
from store.queries.notifications import notification_key_and_content
from store.queries.upsert import Outcome, content_hash, upsert_item
from store.search_index import INDEXED_COLUMNS, fts_table, sqlite_triggers

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


def upsert_notifications(session: Session, *, inputs: Sequence[NotificationInput], source: str) -> list[Outcome]:
    """Store a batch of notifications; returns the outcome of each input, in order. Raises
    like :func:`upsert_notification` on an invalid symbol (nothing of the batch is flushed then)."""
    prepared = [notification_key_and_content(session, notification=i.notification, source=source,
                                             external_id=i.external_id) for i in inputs]
    first_of: dict[str, int] = {}
    for index, (key, _content) in enumerate(prepared):
        if key.get("symbol") is not None:
            first_of.setdefault(key["symbol"], index)
    stored = _stored_content(session, symbols=list(first_of), fields=list(prepared[0][1]) if prepared else [])

    outcomes: list[Outcome | None] = [None] * len(inputs)
    new_rows, now = [], utcnow()
    for symbol, index in first_of.items():
        item, (key, content) = inputs[index], prepared[index]
        row = stored.get(symbol)
        if row is not None and item.partial:
            content = _merge(content, row)
        digest = content_hash(content)
        if row is None:
            new_rows.append({**key, **content, "source": source, "external_id": item.external_id,
                             "raw": item.raw or {}, "content_hash": digest,
                             "first_seen_at": now, "last_changed_at": now})
            outcomes[index] = "new"
        elif row["content_hash"] == digest:
            outcomes[index] = "unchanged"
        else:
            outcomes[index] = _upsert_one(session, item, key, content, source)
    if new_rows:
        _insert(session, new_rows)

    for index, outcome in enumerate(outcomes):
        if outcome is None:  # a repeated symbol in this batch, or a record without a symbol
            item, (key, content) = inputs[index], prepared[index]
            if item.partial and key.get("symbol") is not None:
                content = _merge(content, _stored_content(session, symbols=[key["symbol"]],
                                                          fields=list(content))[key["symbol"]])
            outcomes[index] = _upsert_one(session, item, key, content, source)
    return outcomes


def _insert(session: Session, rows: list[dict]) -> None:
    table, fts = Notification.__tablename__, fts_table(Notification.__tablename__)
    trigger = f"{fts}_ai"
    bulk_index = session.get_bind().dialect.name == "sqlite" and len(rows) >= BULK_INDEX_MIN_ROWS and \
        session.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
                        {"name": trigger}).first() is not None
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, rows)
        return
    if not bulk_index:
        session.execute(insert(Notification.__table__), rows)
        return
    last_id = session.execute(select(func.coalesce(func.max(Notification.id), 0))).scalar_one()
    columns = ", ".join(INDEXED_COLUMNS[table])
    session.execute(text(f"DROP TRIGGER {trigger}"))
    session.execute(insert(Notification.__table__), rows)
    session.execute(text(f"INSERT INTO {fts}(rowid, {columns}) SELECT id, {columns} FROM {table} WHERE id > :last"),
                    {"last": last_id})
    session.execute(text(next(s for s in sqlite_triggers(table) if s.startswith(f"CREATE TRIGGER {trigger} "))))


def _copy(session: Session, rows: list[dict]) -> None:
    """PostgreSQL: ``rows`` through one COPY (an executemany INSERT runs one statement per row,
    which costs the server more than the row). Values go through each column's own bind
    processing (JSON, UTC date-times), as an INSERT would send them."""
    table, dialect = Notification.__table__, session.get_bind().dialect
    columns = list(rows[0])
    processors = [(name, table.c[name].type._cached_bind_processor(dialect)) for name in columns]
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([process(row[name]) if process else row[name] for name, process in processors])


def _upsert_one(session: Session, item: NotificationInput, key: dict, content: dict, source: str) -> Outcome:
    return upsert_item(session, model=Notification, item_kind="notification", key=key, content=content,
                       extra={"source": source, "external_id": item.external_id, "raw": item.raw or {}},
                       source=source).outcome


def _stored_content(session: Session, *, symbols: list[str], fields: list[str]) -> dict[str, dict]:
    """The stored content fields and hash of the rows of ``symbols`` (the raw payloads stay unread)."""
    if not symbols:
        return {}
    table = Notification.__table__
    columns = [table.c[name] for name in dict.fromkeys(["symbol", "content_hash", *fields])]
    rows = session.execute(select(*columns).where(col(Notification.symbol).in_(symbols))).mappings()
    return {row["symbol"]: dict(row) for row in rows}
