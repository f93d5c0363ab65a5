"""Response shapes shared by several resources: tags, classification, search hits, and the errors
every route may answer (:data:`ERROR_RESPONSES`, as :mod:`service.api.errors` writes them)."""

import datetime as dt
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session

from nlp.hs_names import chapter_name
from store.queries.hs import chapters_of, decided_hs, hs_tags_by_item
from store.queries.tags import classifications, effective_sectors, tags_by_item


class TagPublic(BaseModel):
    sector: str
    origin: str
    decided: bool
    score: float
    edition: str
    reasons: list[str]


class HsChapterPublic(BaseModel):
    chapter: str
    name_zh: str | None
    name_en: str | None


class ClassificationPublic(BaseModel):
    edition: str
    hs_codes: list[str]  # the decided HS codes: given, quoted, and chapters decided from the model's guesses
    hs_chapters: list[HsChapterPublic]  # their chapters, named
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
    public = None
    if found:
        codes = decided_hs(hs_tags_by_item(session, item_kind=item_kind, item_ids=[item_id]).get(item_id, []))
        public = ClassificationPublic(
            edition=found.edition,
            hs_codes=codes,
            hs_chapters=[
                HsChapterPublic(chapter=c, name_zh=chapter_name(c, "zh"), name_en=chapter_name(c, "en"))
                for c in chapters_of(codes)
            ],
            urgency=found.urgency,
            urgency_reasons=found.urgency_reasons,
            classified_at=found.classified_at,
        )
    return {
        "sectors": effective_sectors(tags),
        "tags": [TagPublic.model_validate(t, from_attributes=True) for t in tags],
        "classification": public,
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


class ErrorOut(BaseModel):
    """Every error of the API."""

    detail: str = Field(description="What went wrong, in a sentence.")


class FieldProblem(BaseModel):
    field: str
    message: str


class ValidationErrorOut(ErrorOut):
    """A request the API cannot take (422): ``errors`` names each field at fault."""

    errors: list[FieldProblem] = []


# The errors every route of the API may answer, as documented in its OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token or session."},
    403: {"model": ErrorOut, "description": "Not allowed for this role, or a cookie-signed change from elsewhere."},
    404: {"model": ErrorOut, "description": "No such record (or not yours)."},
    409: {"model": ErrorOut, "description": "The record's state does not allow this."},
    413: {"model": ErrorOut, "description": "The request body is too large."},
    422: {"model": ValidationErrorOut, "description": "The request is not valid."},
}
