"""What classification says of an item: sector tags with reasons, HS tags, urgency,
and the catalogue editions tags come from."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.types import json_dict, json_list, optional_timestamp, timestamp

TAG_ORIGINS = ("rule", "model", "human")
HS_ORIGINS = ("given", "quoted", "model")
URGENCY_LEVELS = ("low", "medium", "high")  # the one urgency scale, least urgent first
URGENCY_RANK = {level: rank for rank, level in enumerate(URGENCY_LEVELS)}  # higher is more urgent


class SectorTag(SQLModel, table=True):
    """One sector's verdict on one item, from one origin. Human tags are never replaced
    by a re-tagging run; ``decided`` false on a human tag records a rejected sector."""

    __tablename__ = "sector_tag"
    __table_args__ = (UniqueConstraint("item_kind", "item_id", "edition", "origin", "sector"),)

    id: int = Field(default=None, primary_key=True)
    item_kind: str = Field(max_length=16)
    item_id: int = Field(index=True)
    sector: str = Field(max_length=16, index=True)
    score: float = 0.0
    decided: bool = True
    origin: str = Field(max_length=8)
    edition: str = Field(max_length=40)
    reasons: list[str] = json_list()
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = timestamp()


class HsTag(SQLModel, table=True):
    """One HS code an item is about, with its score and decision: a code the item gives
    (``given``) or quotes in its text (``quoted``), always decided, or a chapter the model
    guessed (``model``, two digits), decided when its score reaches the calibrated threshold.
    The decided tags are the item's HS codes for everyone (see :mod:`store.queries.hs`)."""

    __tablename__ = "hs_tag"
    __table_args__ = (UniqueConstraint("item_kind", "item_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    item_kind: str = Field(max_length=16)
    item_id: int = Field(index=True)
    code: str = Field(max_length=10, index=True)  # digits: a chapter, heading or subheading
    score: float = 0.0
    decided: bool = True
    origin: str = Field(max_length=8)
    created_at: datetime = timestamp()


class ItemClassification(SQLModel, table=True):
    """The latest classification of an item; an item without a row is pending."""

    __tablename__ = "item_classification"

    item_kind: str = Field(primary_key=True, max_length=16)
    item_id: int = Field(primary_key=True)
    edition: str = Field(max_length=40)
    urgency: str = Field(default="low", max_length=8, index=True)
    urgency_reasons: list[str] = json_list()
    classified_at: datetime = timestamp()
    matched_at: datetime | None = optional_timestamp(index=True)


class CatalogueEdition(SQLModel, table=True):
    """An installed edition of the High-Tech Products Export Catalogue, as data."""

    __tablename__ = "catalogue_edition"

    name: str = Field(primary_key=True, max_length=40)
    content: dict = json_dict()
    active: bool = False
    installed_at: datetime = timestamp()
