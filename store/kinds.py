"""The three kinds of item, once: which table holds each, which of its columns are its date,
comment deadline, reference, title, description, products and link, and which rows count.

Everything that treats "an item, whatever its table" (lists, search, triage, classification,
matching, alerts, the dashboard) reads a kind here rather than spelling out the three tables
again, so a report is labelled alike everywhere and intelligence counts only once published.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, true
from sqlmodel import Session, SQLModel, col
from sqlmodel.sql.expression import SelectOfScalar

from store.models import ITEM_KINDS, IntelligenceReport, Notification, StandardsChange
from store.symbols import SymbolError, parse_symbol


def _notification_links(row: Notification) -> list[str]:
    links = []
    with contextlib.suppress(SymbolError):  # a symbol that does not parse has no docs.wto.org page
        if row.symbol:  # a record published without one has none either
            links.append(parse_symbol(row.symbol).docs_wto_url)
    return links + [link for link in [row.source_url, *row.links] if link and link not in links]


ItemRow = Notification | StandardsChange | IntelligenceReport


@dataclass(frozen=True)
class Kind:
    """One kind of item and how to read its rows."""

    name: str
    model: type[ItemRow]
    dated: Any  # the column of the item's date (distributed, published)
    deadline: Any | None  # the column of its comment deadline, if the kind has one
    reference: Callable[[Any], str]  # what identifies it to a reader (symbol, standard, INT-n)
    title: Callable[[Any], str | None]
    description: Callable[[Any], str | None]
    products: Callable[[Any], str | None] = lambda row: None
    committee: Callable[[Any], str | None] = lambda row: None
    links: Callable[[Any], list[str]] = lambda row: []
    ics_codes: Callable[[Any], list[str]] = lambda row: []
    # rows that count at all (searched, listed, classified, alerted, triaged)
    counts: Callable[[], ColumnElement[bool]] = true

    def counted(self, row: Any) -> bool:
        """Whether this row counts (:attr:`counts` for a row already loaded)."""
        return self.name != "intelligence" or row.status == "published"

    def date_of(self, row: Any) -> date | None:
        value = getattr(row, self.dated.key)
        return value.date() if isinstance(value, datetime) else value

    def deadline_of(self, row: Any) -> date | None:
        return getattr(row, self.deadline.key) if self.deadline is not None else None


KINDS: dict[str, Kind] = {
    "notification": Kind(
        "notification",
        Notification,
        Notification.distribution_date,
        Notification.comment_deadline,
        reference=lambda row: row.symbol or row.external_id or f"#{row.id}",
        title=lambda row: row.title,
        description=lambda row: row.description,
        products=lambda row: row.products_text,
        committee=lambda row: row.committee,
        links=_notification_links,
        ics_codes=lambda row: list(row.ics_codes),
    ),
    "change": Kind(
        "change",
        StandardsChange,
        StandardsChange.published_date,
        StandardsChange.comment_deadline,
        reference=lambda row: f"{row.body} {row.reference}",
        title=lambda row: row.title,
        description=lambda row: row.summary,
        committee=lambda row: row.committee,
        links=lambda row: [row.url] if row.url else [],
        ics_codes=lambda row: list(row.ics_codes),
    ),
    "intelligence": Kind(
        "intelligence",
        IntelligenceReport,
        IntelligenceReport.published_at,
        None,
        reference=lambda row: f"INT-{row.id}",
        title=lambda row: row.title,
        description=lambda row: row.text,
        products=lambda row: row.products_text,
        links=lambda row: list(row.links),
        counts=lambda: col(IntelligenceReport.status) == "published",
    ),
}
assert tuple(KINDS) == ITEM_KINDS


def item_rows(session: Session, statement: SelectOfScalar) -> list[ItemRow]:
    """The rows of a select of one kind's table (a select over a union of tables is typed as
    selecting any table)."""
    return cast(list[ItemRow], list(session.exec(statement)))


MODELS: dict[str, type[ItemRow]] = {name: kind.model for name, kind in KINDS.items()}


def kind_of(row: SQLModel) -> Kind:
    """The kind of a loaded row."""
    for kind in KINDS.values():
        if isinstance(row, kind.model):
            return kind
    raise TypeError(f"not an item: {type(row).__name__}")
