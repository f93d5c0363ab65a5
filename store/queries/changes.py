"""Storing and reading standards and regulation changes."""

from collections.abc import Iterator

from sqlmodel import Session, col, select

from store.models import StandardsChange
from store.models.items import StandardsChangeBase
from store.queries.upsert import Upserted, upsert_item

KEY_FIELDS = ("source", "external_id", "kind")
BATCH = 500


def _stored(session: Session, source: str, external_id: str) -> StandardsChange | None:
    return session.exec(
        select(StandardsChange).where(StandardsChange.source == source, StandardsChange.external_id == external_id)
    ).first()


def upsert_change(
    session: Session,
    *,
    change: StandardsChangeBase,
    raw: dict | None = None,
    earlier_source: str | None = None,
    later_source: str | None = None,
) -> Upserted:
    """Store a change under (source, external id, kind): the same change twice is one row.

    One document shown by two sources in turn stays one item: a change whose
    ``earlier_source`` holds the same document (its public inspection record) takes that row
    over (its id, first sighting, tags and alerts are kept; what changed is a revision), and a
    change whose ``later_source`` already holds the document is not stored again."""
    if later_source is not None and (published := _stored(session, later_source, change.external_id)) is not None:
        return Upserted("unchanged", published)
    if earlier_source is not None:
        own = session.exec(
            select(StandardsChange).where(*(getattr(StandardsChange, f) == getattr(change, f) for f in KEY_FIELDS))
        ).first()
        earlier = _stored(session, earlier_source, change.external_id) if own is None else None
        if earlier is not None:
            earlier.source, earlier.kind = change.source, change.kind
            session.add(earlier)
            session.flush()
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
