"""Sector tags and classifications of items: storing them and reading the effective ones.

The effective sectors of an item are its human tags when a person has reviewed it (a human
row exists), else the decided rule and model tags.
"""

from collections import defaultdict

from sqlalchemy import insert
from sqlmodel import Session, col, delete, select

from store.models import ItemClassification, SectorTag
from store.models.types import utcnow
from store.refusals import Refused


def set_human_tags(
    session: Session,
    *,
    item_kind: str,
    item_id: int,
    sectors: list[str],
    edition: str,
    edition_sectors: list[str],
    author_id: int | None = None,
) -> None:
    """Record a person's verdict on every sector of ``edition``: yes for ``sectors``, no for
    the rest. Replaces that item's earlier human verdict for the edition. :class:`Refused`
    ("sector"), with nothing changed, when a code of ``sectors`` is not one of ``edition_sectors``."""
    unknown = set(sectors) - set(edition_sectors)
    if unknown:
        raise Refused("sector", field="sectors", codes=sorted(unknown))
    session.exec(
        delete(SectorTag).where(
            col(SectorTag.item_kind) == item_kind,
            col(SectorTag.item_id) == item_id,
            col(SectorTag.edition) == edition,
            col(SectorTag.origin) == "human",
        )
    )
    now = utcnow()
    session.execute(
        insert(SectorTag),
        [
            {
                "item_kind": item_kind,
                "item_id": item_id,
                "sector": sector,
                "edition": edition,
                "origin": "human",
                "decided": sector in sectors,
                "score": 1.0 if sector in sectors else 0.0,
                "author_id": author_id,
                "reasons": [],
                "created_at": now,
            }
            for sector in edition_sectors
        ],
    )


def tags_by_item(session: Session, *, item_kind: str, item_ids: list[int]) -> dict[int, list[SectorTag]]:
    """Every tag of the given items, grouped by item id."""
    grouped: dict[int, list[SectorTag]] = defaultdict(list)
    if not item_ids:
        return grouped
    statement = (
        select(SectorTag)
        .where(SectorTag.item_kind == item_kind, col(SectorTag.item_id).in_(item_ids))
        .order_by(SectorTag.sector)
    )
    for tag in session.exec(statement):
        grouped[tag.item_id].append(tag)
    return grouped


def effective_tags(tags: list[SectorTag]) -> list[SectorTag]:
    """The tags that give an item its sectors, given all of its tags: the decided human ones
    when a person reviewed it, else the decided rule and model ones."""
    human = [t for t in tags if t.origin == "human"]
    return [t for t in human or tags if t.decided]


def effective_sectors(tags: list[SectorTag]) -> list[str]:
    """Sector codes an item belongs to, given all of its tags."""
    return sorted({t.sector for t in effective_tags(tags)})


def removed_sectors(tags: list[SectorTag]) -> list[str]:
    """Sector codes the rules or the model decided and a person then said no to, given all of
    an item's tags."""
    rejected = {t.sector for t in tags if t.origin == "human" and not t.decided}
    return sorted({t.sector for t in tags if t.origin != "human" and t.decided and t.sector in rejected})


def classifications(session: Session, *, item_kind: str, item_ids: list[int]) -> dict[int, ItemClassification]:
    if not item_ids:
        return {}
    statement = select(ItemClassification).where(
        ItemClassification.item_kind == item_kind, col(ItemClassification.item_id).in_(item_ids)
    )
    return {c.item_id: c for c in session.exec(statement)}
