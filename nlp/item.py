"""The input the classifier reads: an item's text fields, codes and notification metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class ItemText:
    title: str | None = None
    description: str | None = None
    products_text: str | None = None
    hs_codes: list[str] = field(default_factory=list)
    ics_codes: list[str] = field(default_factory=list)
    language: str | None = None
    committee: str | None = None
    notification_type: str | None = None
    comment_deadline: date | None = None
    distribution_date: date | None = None
    all_trading_partners: bool | None = None
    countries_affected: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Products first: they say most about the sectors; the description can be long."""
        return "\n".join(t for t in (self.products_text, self.title, self.description) if t)

    @classmethod
    def from_record(cls, record: Mapping[str, Any], text_only: bool = False) -> ItemText:
        """Build from a record in the dev-set / import JSONL schema; ``text_only`` drops the codes."""
        return cls(
            title=record.get("title"),
            description=record.get("description"),
            products_text=record.get("products_text"),
            hs_codes=[] if text_only else list(record.get("hs_codes") or []),
            ics_codes=[] if text_only else list(record.get("ics_codes") or []),
            language=record.get("language"),
            committee=record.get("committee"),
            notification_type=record.get("notification_type"),
            comment_deadline=_date(record.get("comment_deadline")),
            distribution_date=_date(record.get("distribution_date")),
            all_trading_partners=record.get("all_trading_partners"),
            countries_affected=list(record.get("countries_affected") or []),
            objectives=list(record.get("objectives") or []),
        )


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
