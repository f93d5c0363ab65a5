"""The HS codes of items: one decided set for everyone.

Classification stores an item's HS tags (:class:`~store.models.HsTag`): the codes it gives and
the codes it quotes in its text (always decided), and the chapters the model guessed, each
with its score, decided when the score reaches the calibrated threshold. :func:`decided_hs`
is the one rule saying which codes an item is about; matching, the search filter
(:func:`hs_filter_sql`, the same rule in SQL), item pages, messages, feeds, exports and the
API all read it. Undecided guesses are kept for staff, with their scores.

An item not yet classified has no tags: its given codes are its set until it is.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.sql import TextClause
from sqlmodel import Session, col, delete, select, text

from store.models import HsTag
from store.models.types import utcnow


def hs_digits(code: str) -> str | None:
    """An HS code as its digits (at most ten: national codes may add a check digit)."""
    digits = "".join(ch for ch in str(code) if ch.isdigit())[:10]
    return digits if len(digits) >= 2 else None


def decided_hs(tags: Iterable[HsTag], given: Iterable[str] = ()) -> list[str]:
    """The HS codes an item is about: the codes of its decided tags, or, before it has been
    classified (no tags at all), the codes it gives. Most certain first."""
    tags = list(tags)
    if not tags:
        return list(dict.fromkeys(filter(None, map(hs_digits, given))))
    ranked = sorted((t for t in tags if t.decided), key=lambda t: (t.origin == "model", -t.score))
    return list(dict.fromkeys(t.code for t in ranked))


def chapters_of(codes: Iterable[str]) -> list[str]:
    """The chapters of ``codes``, each once, in their order."""
    return list(dict.fromkeys(code[:2] for code in codes))


def undecided_hs(tags: Iterable[HsTag]) -> list[HsTag]:
    """The guesses that did not make the decided set (staff see them, with their scores)."""
    return sorted((t for t in tags if not t.decided), key=lambda t: -t.score)


def hs_tags_by_item(session: Session, *, item_kind: str, item_ids: list[int]) -> dict[int, list[HsTag]]:
    """Every HS tag of the given items, grouped by item id."""
    grouped: dict[int, list[HsTag]] = defaultdict(list)
    if not item_ids:
        return grouped
    statement = select(HsTag).where(HsTag.item_kind == item_kind, col(HsTag.item_id).in_(item_ids))
    for tag in session.exec(statement):
        grouped[tag.item_id].append(tag)
    return grouped


def save_hs_tags(session: Session, *, item_kind: str, tags: dict[int, list[dict]]) -> None:
    """Replace the HS tags of the items of ``tags`` (item id → dicts of code, score, decided,
    origin), in two statements for the whole batch."""
    if not tags:
        return
    session.exec(delete(HsTag).where(col(HsTag.item_kind) == item_kind, col(HsTag.item_id).in_(list(tags))))
    now = utcnow()
    rows = [
        {"item_kind": item_kind, "item_id": item_id, "created_at": now, **tag}
        for item_id, ts in tags.items()
        for tag in ts
    ]
    if rows:
        session.execute(insert(HsTag), rows)


def hs_filter_sql(item_kind: str, item: str, dialect: str) -> TextClause:
    """SQL true when the item whose id is ``item`` (SQL; of ``item_kind``) has a decided HS
    code related to the parameter ``hs`` (digits) the way matching relates codes: either is a
    prefix of the other. ``hs_pattern`` is ``hs`` followed by ``%``. (Before an item is
    classified, the caller's test of its given codes stands in.)

    The items are listed once per statement and looked up by id, so PostgreSQL can read them
    through the primary key index beside other indexed conditions (a full-text one) instead
    of testing every row that matches those."""
    decided = "h.decided" if dialect == "postgresql" else "h.decided = 1"
    items = (
        f"SELECT h.item_id FROM hs_tag h WHERE h.item_kind = :hs_kind_{item_kind} "
        f"AND {decided} AND (h.code LIKE :hs_pattern OR :hs LIKE (h.code || '%'))"
    )
    condition = f"{item} = ANY(ARRAY({items}))" if dialect == "postgresql" else f"({item}) IN ({items})"
    return text(condition).bindparams(**{f"hs_kind_{item_kind}": item_kind})
