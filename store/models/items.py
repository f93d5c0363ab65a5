"""The items tbtwatch collects: WTO notifications, standards and regulation changes,
embassy intelligence reports, and the history of their changes.

An item is addressed across tables by ``(item_kind, item_id)`` with ``item_kind`` one of
:data:`ITEM_KINDS`; tags, alerts and triage use that pair.
"""

from datetime import date, datetime

from sqlalchemy import LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.types import json_dict, json_list, optional_timestamp, timestamp

ITEM_KINDS = ("notification", "change", "intelligence")
SYMBOL_KINDS = ("regular", "addendum", "revision", "corrigendum", "supplement")
CHANGE_KINDS = ("new", "revised", "withdrawn", "draft")
REPORT_STATUSES = ("draft", "submitted", "published", "rejected")


class NotificationBase(SQLModel):
    """A WTO TBT or SPS notification as published: one row per document symbol, or, for
    the rare record published without one, per (source, external id)."""

    symbol: str | None = Field(default=None, max_length=80, unique=True, index=True)
    base_symbol: str | None = Field(default=None, max_length=80, index=True)
    symbol_kind: str = Field(default="regular", max_length=16)
    committee: str | None = Field(default=None, max_length=3, index=True)
    member_code: str | None = Field(default=None, max_length=8, index=True)
    member_name: str | None = Field(default=None, max_length=200)
    notification_type: str | None = Field(default=None, max_length=120)
    distribution_date: date | None = Field(default=None, index=True)
    comment_deadline: date | None = Field(default=None, index=True)
    proposed_adoption_date: date | None = None
    proposed_adoption_text: str | None = Field(default=None, max_length=500)
    entry_into_force_date: date | None = None
    entry_into_force_text: str | None = Field(default=None, max_length=500)
    title: str | None = Field(default=None, sa_type=Text)
    description: str | None = Field(default=None, sa_type=Text)
    products_text: str | None = Field(default=None, sa_type=Text)
    hs_codes: list[str] = json_list()
    ics_codes: list[str] = json_list()
    objectives: list[str] = json_list()
    keywords: list[str] = json_list()
    countries_affected: list[str] = json_list()
    all_trading_partners: bool | None = None
    joint_symbols: list[str] = json_list()
    language: str | None = Field(default=None, max_length=8)
    links: list[str] = json_list()
    source_url: str | None = Field(default=None, max_length=2000)


class Notification(NotificationBase, table=True):
    __tablename__ = "notification"

    id: int = Field(default=None, primary_key=True)
    source: str = Field(default="import", max_length=60, index=True)
    external_id: str | None = Field(default=None, max_length=60, index=True)
    raw: dict = json_dict()
    content_hash: str = Field(default="", max_length=64)
    first_seen_at: datetime = timestamp(index=True)
    last_changed_at: datetime = timestamp()


class NotificationCreate(NotificationBase):
    pass


class NotificationPublic(NotificationBase):
    id: int
    source: str
    external_id: str | None
    first_seen_at: datetime
    last_changed_at: datetime


class StandardsChangeBase(SQLModel):
    """A change at a standards body or regulator: a new, revised or withdrawn standard or
    regulation, or a draft open for comment."""

    source: str = Field(max_length=60, index=True)
    external_id: str = Field(max_length=200)
    kind: str = Field(max_length=16, index=True)
    body: str = Field(max_length=120, index=True)
    reference: str = Field(max_length=300)
    title: str | None = Field(default=None, sa_type=Text)
    summary: str | None = Field(default=None, sa_type=Text)
    member_code: str | None = Field(default=None, max_length=8, index=True)
    committee: str | None = Field(default=None, max_length=120)
    stage: str | None = Field(default=None, max_length=20)
    series: str | None = Field(default=None, max_length=8, description="OJ series (L or C) of an EU act")
    ics_codes: list[str] = json_list()
    hs_codes: list[str] = json_list()
    agencies: list[str] = json_list()
    published_date: date | None = Field(default=None, index=True)
    comment_deadline: date | None = Field(default=None, index=True)
    effective_date: date | None = None
    url: str | None = Field(default=None, max_length=2000)
    language: str | None = Field(default="en", max_length=8)


class StandardsChange(StandardsChangeBase, table=True):
    __tablename__ = "standards_change"
    __table_args__ = (UniqueConstraint("source", "external_id", "kind"),)

    id: int = Field(default=None, primary_key=True)
    raw: dict = json_dict()
    content_hash: str = Field(default="", max_length=64)
    first_seen_at: datetime = timestamp(index=True)
    last_changed_at: datetime = timestamp()


class StandardsChangePublic(StandardsChangeBase):
    id: int
    first_seen_at: datetime
    last_changed_at: datetime


class IntelligenceReportBase(SQLModel):
    """Market intelligence on a barrier, submitted by an embassy."""

    member_code: str = Field(max_length=8, index=True)
    title: str = Field(max_length=500)
    text: str = Field(sa_type=Text)
    products_text: str | None = Field(default=None, sa_type=Text)
    hs_codes: list[str] = json_list()
    links: list[str] = json_list()
    language: str = Field(default="zh", max_length=8)


class IntelligenceReport(IntelligenceReportBase, table=True):
    __tablename__ = "intelligence_report"

    id: int = Field(default=None, primary_key=True)
    author_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    status: str = Field(default="draft", max_length=16, index=True)
    review_note: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = timestamp()
    submitted_at: datetime | None = optional_timestamp()
    published_at: datetime | None = optional_timestamp(index=True)
    updated_at: datetime = timestamp()


class IntelligenceReportCreate(IntelligenceReportBase):
    pass


class IntelligenceReportPublic(IntelligenceReportBase):
    id: int
    author_id: int | None
    status: str
    created_at: datetime
    published_at: datetime | None


class Attachment(SQLModel, table=True):
    """A file attached to an intelligence report (PDF, DOCX, image; at most 10 MB)."""

    __tablename__ = "attachment"

    id: int = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="intelligence_report.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=120)
    size: int
    data: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = timestamp()


class ItemRevision(SQLModel, table=True):
    """What changed in an item when a later crawl or import brought a different version."""

    __tablename__ = "item_revision"

    id: int = Field(default=None, primary_key=True)
    item_kind: str = Field(max_length=16, index=True)
    item_id: int = Field(index=True)
    source: str = Field(max_length=60)
    changed_at: datetime = timestamp()
    changes: dict = json_dict()
