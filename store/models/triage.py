"""The enquiry point's work on an item: status workflow, assignee, notes, the comment sent."""

from datetime import date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from store.models.types import timestamp

TRIAGE_STATUSES = (
    "new",
    "triaged",
    "under_review",
    "comment_drafted",
    "comment_sent",
    "closed",
    "no_action",
)


class Triage(SQLModel, table=True):
    __tablename__ = "triage"

    item_kind: str = Field(primary_key=True, max_length=16)
    item_id: int = Field(primary_key=True)
    status: str = Field(default="new", max_length=20, index=True)
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    comment_text: str | None = Field(default=None, sa_type=Text)
    comment_sent_on: date | None = None
    updated_at: datetime = timestamp()
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")


class TriageNote(SQLModel, table=True):
    """An internal note on an item, visible to staff only."""

    __tablename__ = "triage_note"

    id: int = Field(default=None, primary_key=True)
    item_kind: str = Field(max_length=16)
    item_id: int = Field(index=True)
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    text: str = Field(sa_type=Text)
    created_at: datetime = timestamp()
