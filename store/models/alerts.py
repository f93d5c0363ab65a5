"""Subscriptions, the alerts they receive, and the delivery outbox."""

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models.types import JsonType, json_dict, json_list, optional_timestamp, timestamp

FREQUENCIES = ("immediate", "daily", "weekly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # in date.weekday() order
# cancelled: its person may no longer receive alerts (account deactivated or deleted,
# subscription ended, thread muted); never sent, never replayed
DELIVERY_STATUSES = ("pending", "sending", "sent", "dead", "cancelled")
ALERT_REASONS = ("match", "catch-up", "follow-up", "reminder")
# alerts: selects items; follows: an account's followed notifications, selects nothing by itself
SUBSCRIPTION_PURPOSES = ("alerts", "follows")
THREAD_CHOICES = ("follow", "mute")


class SubscriptionBase(SQLModel):
    """What an exporter wants to hear about, how often, in which language and where.
    Every selector list that is empty selects everything."""

    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    channels: list[str] = json_list()
    sectors: list[str] = json_list()
    hs_prefixes: list[str] = json_list()
    ics_prefixes: list[str] = json_list()
    members: list[str] = json_list()
    committees: list[str] = json_list()
    kinds: list[str] = json_list()
    keywords: list[str] = json_list()
    min_urgency: str = Field(default="low", max_length=8)
    frequency: str = Field(default="immediate", max_length=10)
    deliver_at: str = Field(default="08:00", max_length=5)
    # the day of weekly digests; the server default gives subscriptions made before it Monday
    weekday: str = Field(default="mon", max_length=3, sa_column_kwargs={"server_default": "mon"})
    timezone: str = Field(default="Asia/Shanghai", max_length=60)
    language: str = Field(default="zh", max_length=8)
    reminder_days: list[int] = Field(default_factory=lambda: [14, 3], sa_type=JsonType)


class Subscription(SubscriptionBase, table=True):
    __tablename__ = "subscription"

    id: int = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    active: bool = True
    purpose: str = Field(default="alerts", max_length=8, sa_column_kwargs={"server_default": "alerts"})
    token: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    last_digest_at: datetime | None = optional_timestamp()
    # when the owner of ``email`` confirmed it (None: no mail goes there); an account's own
    # address and the operator's subscriptions count as confirmed when made
    email_confirmed_at: datetime | None = optional_timestamp()


class SubscriptionCreate(SubscriptionBase):
    pass


class SubscriptionPublic(SubscriptionBase):
    id: int
    user_id: int | None
    active: bool
    created_at: datetime


class Alert(SQLModel, table=True):
    """One reason to tell one subscription about one item; unique, so never twice."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("subscription_id", "item_kind", "item_id", "reason"),)

    id: int = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscription.id", index=True, ondelete="CASCADE")
    item_kind: str = Field(max_length=16)
    item_id: int = Field(index=True)
    reason: str = Field(max_length=40)
    follows_alert_id: int | None = Field(default=None, foreign_key="alert.id")
    why: dict = json_dict()
    created_at: datetime = timestamp(index=True)
    dismissed_at: datetime | None = optional_timestamp()


class Delivery(SQLModel, table=True):
    """A message to send through one channel: the outbox row a dispatcher claims."""

    __tablename__ = "delivery"

    id: int = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscription.id", index=True, ondelete="CASCADE")
    channel: str = Field(sa_type=Text)
    kind: str = Field(default="alert", max_length=16)
    alert_ids: list[int] = json_list()
    idempotency_key: str = Field(max_length=200, unique=True)
    status: str = Field(default="pending", max_length=10, index=True)
    attempts: int = 0
    next_attempt_at: datetime = timestamp(index=True)
    claimed_at: datetime | None = optional_timestamp()
    claimed_by: str | None = Field(default=None, max_length=100)
    last_error: str | None = Field(default=None, sa_type=Text)
    sent_at: datetime | None = optional_timestamp()
    created_at: datetime = timestamp()


class DeliveryAttempt(SQLModel, table=True):
    __tablename__ = "delivery_attempt"

    id: int = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True, ondelete="CASCADE")
    started_at: datetime = timestamp()
    finished_at: datetime | None = optional_timestamp()
    ok: bool = False
    error: str | None = Field(default=None, sa_type=Text)


class ThreadChoice(SQLModel, table=True):
    """An account's choice about one notification's thread (its base symbol: the notification,
    its addenda, revisions and corrigenda): follow it (its follow-ups reach the account even
    when no subscription matches) or mute it (nothing more about it reaches the account)."""

    __tablename__ = "thread_choice"
    __table_args__ = (UniqueConstraint("user_id", "thread"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    thread: str = Field(max_length=80, index=True)
    choice: str = Field(max_length=8)
    notification_id: int | None = Field(default=None)  # the notification it was chosen on
    created_at: datetime = timestamp()
