"""Response shapes shared by several resources: tags, classification, search hits."""

import datetime as dt
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session

from store.queries.tags import classifications, effective_sectors, tags_by_item


class TagPublic(BaseModel):
    sector: str
    origin: str
    decided: bool
    score: float
    edition: str
    reasons: list[str]


class ClassificationPublic(BaseModel):
    edition: str
    hs_chapters: list
    urgency: str
    urgency_reasons: list[str]
    classified_at: datetime


class Classified(BaseModel):
    """What classification says of an item: every tag with its reasons, the effective
    sectors (human tags when reviewed, else decided rule and model tags), and the latest
    classification (None while pending)."""

    sectors: list[str] = []
    tags: list[TagPublic] = []
    classification: ClassificationPublic | None = None


def classified(session: Session, *, item_kind: str, item_id: int) -> dict:
    tags = tags_by_item(session, item_kind=item_kind, item_ids=[item_id]).get(item_id, [])
    found = classifications(session, item_kind=item_kind, item_ids=[item_id]).get(item_id)
    return {
        "sectors": effective_sectors(tags),
        "tags": [TagPublic.model_validate(t, from_attributes=True) for t in tags],
        "classification": ClassificationPublic.model_validate(found, from_attributes=True) if found else None,
    }


class SearchHit(BaseModel):
    kind: str
    id: int
    label: str | None
    title: str | None
    member_code: str | None
    committee: str | None
    date: dt.date | None
    comment_deadline: dt.date | None
    score: float
