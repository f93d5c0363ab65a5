"""The typed records spiders yield and the pipeline stores.

Spiders build records from published rows; a row that cannot become a record is yielded as
a :class:`Rejected` with its location, so the pipeline counts it and the run lists it while
the rest of the page is kept.
"""

from pydantic import BaseModel, ConfigDict, Field

from store.models import NotificationCreate
from store.models.items import StandardsChangeBase


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    location: str = Field(description="where the row was published: URL and position")
    raw: dict = Field(default_factory=dict, description="the row as published")


class NotificationRecord(Record):
    """A WTO notification, one per document symbol."""

    notification: NotificationCreate
    external_id: str | None = None
    partial: bool = Field(
        default=False,
        description="the source publishes only some fields: empty ones keep the stored values",
    )


class ChangeRecord(Record):
    """A standards or regulation change. A source that publishes a document after another
    showed it (the Federal Register after its public inspection desk) names that one, so that
    the document stays one item."""

    change: StandardsChangeBase
    earlier_source: str | None = Field(
        default=None, description="a source whose record of the same document (same external id) this one takes over"
    )
    later_source: str | None = Field(
        default=None, description="a source whose record of the same document, once there, makes this one superfluous"
    )


class Rejected(BaseModel):
    """A published row that is malformed, with where it was and why."""

    location: str
    error: str


class Batch(BaseModel):
    """Many records as one item: a bulk source yields its rows so, sparing Scrapy's
    per-item overhead (about as costly as storing the record)."""

    items: list[NotificationRecord | ChangeRecord | Rejected]
