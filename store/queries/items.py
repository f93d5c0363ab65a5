"""Any item by ``(item_kind, item_id)``, and one summary shape for lists that mix the three
kinds (search results, the triage queue, the daily bulletin, exports)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlmodel import Session, col, select

from store.kinds import MODELS, ItemRow, item_rows, kind_of
from store.models import HsTag, ItemClassification
from store.queries.hs import chapters_of, decided_hs, hs_tags_by_item, undecided_hs
from store.queries.tags import classifications, effective_sectors, tags_by_item


def get_item(session: Session, *, item_kind: str, item_id: int) -> ItemRow | None:
    model = MODELS.get(item_kind)
    # a get from one of several tables is typed as getting any table
    return cast(ItemRow | None, session.get(model, item_id)) if model else None


def get_items(session: Session, keys: list[tuple[str, int]]) -> list[ItemRow]:
    """The items of ``(kind, id)`` keys in the order given (missing ones left out)."""
    found: dict[tuple[str, int], ItemRow] = {}
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, item_id in keys:
        ids_by_kind[kind].append(item_id)
    for kind, ids in ids_by_kind.items():
        model = MODELS[kind]
        for item in item_rows(session, select(model).where(col(model.id).in_(ids))):
            found[(kind, item.id)] = item
    return [found[key] for key in keys if key in found]


@dataclass
class ItemSummary:
    """What a list shows of an item, whatever its kind."""

    kind: str
    id: int
    reference: str
    member_code: str | None
    committee: str | None
    title: str
    date: dt.date | None
    comment_deadline: dt.date | None
    hs_codes: list[str]
    ics_codes: list[str]
    url: str | None
    sectors: list[str] = field(default_factory=list)
    hs: list[str] = field(default_factory=list)  # the decided HS codes (store.queries.hs.decided_hs)
    hs_guesses: list[HsTag] = field(default_factory=list)  # undecided, for staff
    urgency: str | None = None

    @property
    def hs_chapters(self) -> list[str]:
        """The chapters of the decided HS codes."""
        return chapters_of(self.hs)

    @property
    def open_for_comment(self) -> bool:
        return self.comment_deadline is not None and self.comment_deadline >= date.today()

    def days_left(self, today: dt.date | None = None) -> int | None:
        if self.comment_deadline is None:
            return None
        return (self.comment_deadline - (today or date.today())).days


def summary(item: ItemRow) -> ItemSummary:
    """The list shape of one item (without tags; see :func:`summaries`)."""
    kind = kind_of(item)
    links = kind.links(item)
    return ItemSummary(
        kind.name,
        item.id,
        kind.reference(item),
        item.member_code or getattr(item, "member_name", None),
        kind.committee(item),
        kind.title(item) or kind.products(item) or kind.description(item) or "",
        kind.date_of(item),
        kind.deadline_of(item),
        list(item.hs_codes),
        kind.ics_codes(item),
        getattr(item, "source_url", None) or (links[0] if links else None),
    )


def summaries(session: Session, items: Sequence[ItemRow]) -> list[ItemSummary]:
    """Summaries of ``items`` in their order, with effective sectors and classification."""
    rows = [summary(item) for item in items]
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        ids_by_kind[row.kind].append(row.id)
    for kind, ids in ids_by_kind.items():
        tags = tags_by_item(session, item_kind=kind, item_ids=ids)
        hs_tags = hs_tags_by_item(session, item_kind=kind, item_ids=ids)
        classes: dict[int, ItemClassification] = classifications(session, item_kind=kind, item_ids=ids)
        for row in rows:
            if row.kind != kind:
                continue
            row.sectors = effective_sectors(tags.get(row.id, []))
            row.hs = decided_hs(hs_tags.get(row.id, []), row.hs_codes)
            row.hs_guesses = undecided_hs(hs_tags.get(row.id, []))
            if row.id in classes:
                row.urgency = classes[row.id].urgency
    return rows
