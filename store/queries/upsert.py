"""Insert-or-update by natural key, keeping what changed.

Every collected item is stored through :func:`upsert_item`: the same content twice is one
row and counts as unchanged; different content updates the row, records an
:class:`~store.models.ItemRevision` with the old and new values of each changed field,
and moves ``last_changed_at``.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from sqlmodel import Session, select

from store.models import ItemRevision, Notification, StandardsChange
from store.models.types import utcnow

Outcome = Literal["new", "updated", "unchanged"]
Collected = TypeVar("Collected", Notification, StandardsChange)  # the kinds collected from sources


@dataclass(frozen=True)
class Upserted(Generic[Collected]):
    outcome: Outcome
    row: Collected


def _jsonable(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _json_default(value):
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def content_hash(values: dict) -> str:
    """A stable hash of the published content (field order and date types do not matter)."""
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.sha256(canonical.encode()).hexdigest()


def upsert_item(
    session: Session,
    *,
    model: type[Collected],
    item_kind: str,
    key: dict,
    content: dict,
    extra: dict | None = None,
    source: str,
) -> Upserted[Collected]:
    """Store ``content`` (the published fields) for the row identified by ``key``.

    ``extra`` holds fields that are kept but do not count as a change of content (the raw
    payload, the source's own id). The caller commits.
    """
    statement = select(model)
    for column, value in key.items():
        statement = statement.where(
            getattr(model, column).is_(None) if value is None else getattr(model, column) == value
        )
    row = session.exec(statement).first()
    digest = content_hash(content)
    if row is None:
        row = model(**{**key, **content, **(extra or {})}, content_hash=digest)
        session.add(row)
        session.flush()
        return Upserted("new", row)
    if row.content_hash == digest:
        return Upserted("unchanged", row)
    changes = {
        field: [_jsonable(getattr(row, field)), _jsonable(value)]
        for field, value in content.items()
        if _jsonable(getattr(row, field)) != _jsonable(value)
    }
    for field, value in {**content, **(extra or {})}.items():
        setattr(row, field, value)
    row.content_hash = digest
    if not changes:  # the same values hashed anew (a field added to the model, still empty): no revision
        session.add(row)
        return Upserted("unchanged", row)
    row.last_changed_at = utcnow()
    session.add(row)
    session.flush()
    session.add(ItemRevision(item_kind=item_kind, item_id=row.id, source=source, changes=changes))
    return Upserted("updated", row)
