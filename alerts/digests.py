"""Daily and weekly digests, at the subscriber's time of day in the subscriber's time zone
(weekly ones on Monday), gathering the period's alerts by sector, most urgent first.

A digest covers the alerts made since the previous one (or since the subscription began) up
to the latest scheduled time; its idempotency key names the subscription and that time, so
running the job twice, or two schedulers at once, enqueues it once. An empty period sends
nothing. Reminders are not in digests: they go out on their own, on time.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from alerts.outbox import enqueue, zone_of
from store.db import session_scope
from store.models import Subscription
from store.models.types import utcnow
from store.queries.alerts import alerts_between

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def last_slot(subscription: Subscription, period: str, now: datetime) -> datetime:
    """The latest scheduled digest time at or before ``now`` (UTC)."""
    local = now.astimezone(zone_of(subscription.timezone))
    try:
        hour, minute = (int(part) for part in subscription.deliver_at.split(":"))
        slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    except ValueError:
        slot = local.replace(hour=8, minute=0, second=0, microsecond=0)
    if period == "weekly":
        slot -= timedelta(days=slot.weekday())
    if slot > local:
        slot -= PERIODS[period]
    return slot.astimezone(UTC)


def enqueue_digests(engine: Engine, period: str, *, now: datetime | None = None, force: bool = False) -> int:
    """Enqueue the ``period`` digests that are due (all of them, up to now, when ``force``);
    how many were enqueued."""
    if period not in PERIODS:
        raise ValueError(f"period must be daily or weekly, not {period!r}")
    now = now or utcnow()
    enqueued = 0
    with session_scope(engine) as session:
        statement = select(Subscription).where(Subscription.active, Subscription.frequency == period)
        for subscription in session.exec(statement.with_for_update(skip_locked=True)):
            until = now if force else last_slot(subscription, period, now)
            since = subscription.last_digest_at or subscription.created_at
            if since >= until:
                continue
            alerts = alerts_between(session, subscription.id, since, until)
            if alerts:
                enqueued += enqueue(session, subscription, kind="digest", alert_ids=[a.id for a in alerts],
                                    key=f"digest:{subscription.id}:{until.isoformat()}", now=now)
            subscription.last_digest_at = until
            session.add(subscription)
    return enqueued
