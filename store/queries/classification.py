"""Which items still need classifying, and storing what classification said of them.

Re-classifying replaces an item's rule and model tags and keeps its human tags and the
time it was matched to subscriptions (a re-tagging never re-alerts by itself).
"""

from sqlalchemy import insert
from sqlmodel import Session, col, delete, select

from store.kinds import KINDS, ItemRow, item_rows
from store.models import (
    CatalogueEdition,
    ItemClassification,
    SectorTag,
)
from store.models.types import utcnow
from store.queries.hs import save_hs_tags


def items_to_classify(
    session: Session,
    *,
    item_kind: str,
    edition: str,
    everything: bool = False,
    after_id: int = 0,
    limit: int = 500,
) -> list[ItemRow]:
    """Items of one kind, by id, after ``after_id``: all of them, or only those never
    classified or classified with another edition. Only published intelligence counts."""
    model = KINDS[item_kind].model
    statement = select(model).where(col(model.id) > after_id, KINDS[item_kind].counts())
    statement = statement.order_by(col(model.id)).limit(limit)
    if not everything:
        classified = select(ItemClassification.item_id).where(
            ItemClassification.item_kind == item_kind, ItemClassification.edition == edition
        )
        statement = statement.where(col(model.id).not_in(classified))
    return item_rows(session, statement)


def save_classifications(session: Session, *, item_kind: str, results: list[dict]) -> None:
    """Store a batch of classifications: each result has ``item_id``, ``edition``,
    ``tags`` (dicts of SectorTag fields without the item), ``hs_tags`` (dicts of HsTag fields
    without the item), ``urgency`` and ``urgency_reasons``. The items' machine tags are
    replaced in a few statements for the whole batch."""
    if not results:
        return
    ids = [r["item_id"] for r in results]
    now = utcnow()
    session.exec(
        delete(SectorTag).where(
            col(SectorTag.item_kind) == item_kind,
            col(SectorTag.item_id).in_(ids),
            col(SectorTag.origin) != "human",
        )
    )
    rows = [
        {
            "item_kind": item_kind,
            "item_id": r["item_id"],
            "edition": r["edition"],
            "author_id": None,
            "created_at": now,
            **tag,
        }
        for r in results
        for tag in r["tags"]
    ]
    if rows:
        session.execute(insert(SectorTag), rows)
    save_hs_tags(session, item_kind=item_kind, tags={r["item_id"]: r["hs_tags"] for r in results})
    existing = {
        c.item_id: c
        for c in session.exec(
            select(ItemClassification).where(
                ItemClassification.item_kind == item_kind, col(ItemClassification.item_id).in_(ids)
            )
        )
    }
    for result in results:
        row = existing.get(result["item_id"]) or ItemClassification(
            item_kind=item_kind, item_id=result["item_id"], edition=result["edition"]
        )
        row.edition = result["edition"]
        row.urgency = result["urgency"]
        row.urgency_reasons = result["urgency_reasons"]
        row.classified_at = now
        session.add(row)


def active_edition(session: Session) -> CatalogueEdition | None:
    """The installed edition marked active, if an administrator installed one."""
    return session.exec(select(CatalogueEdition).where(CatalogueEdition.active)).first()


def install_edition(session: Session, *, name: str, content: dict) -> CatalogueEdition:
    """Store an edition's data and make it the active one."""
    for other in session.exec(select(CatalogueEdition).where(CatalogueEdition.active)):
        other.active = False
        session.add(other)
    row = session.get(CatalogueEdition, name) or CatalogueEdition(name=name)
    row.content = content
    row.active = True
    row.installed_at = utcnow()
    session.add(row)
    return row
