"""What people tell the model: their judgement of an alert, the one-time links they used to
give it, and the training runs that learnt from such labels."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.types import json_list, timestamp

VERDICTS = ("useful", "not_relevant")
FEEDBACK_REASONS = ("wrong_sector", "wrong_product", "wrong_market", "already_known")


class AlertFeedback(SQLModel, table=True):
    """One person's judgement of one item for one subscription; a later judgement replaces it.
    ``sectors`` are the item's decided sectors when it was judged (what the judgement is about)."""

    __tablename__ = "alert_feedback"
    __table_args__ = (UniqueConstraint("subscription_id", "item_kind", "item_id"),)

    id: int = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscription.id", index=True, ondelete="CASCADE")
    item_kind: str = Field(max_length=16)
    item_id: int = Field(index=True)
    verdict: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=20)
    sectors: list[str] = json_list()
    subscribed_sectors: list[str] = json_list()
    link_nonce: str = Field(max_length=64)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class UsedLink(SQLModel, table=True):
    """A one-time link already followed: its nonce, so a replay changes nothing."""

    __tablename__ = "used_link"

    nonce: str = Field(primary_key=True, max_length=64)
    purpose: str = Field(max_length=20)
    used_at: datetime = timestamp()


class TrainingRun(SQLModel, table=True):
    """One ``tbtwatch nlp train``: when, into which directory, and how many human labels it used."""

    __tablename__ = "training_run"

    id: int = Field(default=None, primary_key=True)
    trained_at: datetime = timestamp()
    output: str = Field(max_length=500)
    staff_labels: int = 0
    feedback_labels: int = 0
