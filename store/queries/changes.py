"""Storing and reading standards and regulation changes."""

from collections.abc import Iterator

from sqlmodel import Session, col, select

from store.models import StandardsChange
from store.models.items import StandardsChangeBase
from store.queries.upsert import Upserted, upsert_item

KEY_FIELDS = ("source", "external_id", "kind")
BATCH = 500


def upsert_change(session: Session, *, change: StandardsChangeBase, raw: dict | None = None) -> Upserted:
    """Store a change under (source, external id, kind): the same change twice is one row."""
    content = change.model_dump(exclude=set(KEY_FIELDS))
    return upsert_item(
        session,
        model=StandardsChange,
        item_kind="change",
        key={field: getattr(change, field) for field in KEY_FIELDS},
        content=content,
        extra={"raw": raw or {}},
        source=change.source,
    )


def iter_changes(session: Session) -> Iterator[StandardsChange]:
    """Every stored change in the order first seen, read in batches."""
    last_id = 0
    while True:
        rows = session.exec(
            select(StandardsChange)
            .where(col(StandardsChange.id) > last_id)
            .order_by(col(StandardsChange.id))
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id or last_id
