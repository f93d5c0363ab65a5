"""Daily and weekly digests, at the subscriber's time of day in the subscriber's time zone
(weekly ones on the subscriber's weekday, Monday unless chosen), gathering the period's alerts
by sector, most urgent first. A time of day that a clock change skips falls the length of the
gap later (02:30 becomes 03:30); one it repeats is its first occurrence.

A digest covers the alerts made since the previous one (or since the subscription began) up
to the latest scheduled time; its idempotency key names the subscription and that time, so
running the job twice, or two schedulers at once, enqueues it once. An empty period sends
nothing. Reminders are not in digests: they go out on their own, on time.

One person hears of an item once on each channel: a digest leaves out the items already told
through its channels since its period began (by an immediate message or an earlier digest of
another of the person's subscriptions), and tells each item it holds with the reasons of
every subscription of the person (same account or address) that alerted it. Subscriptions
of accounts not active get no digest.
"""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from alerts.outbox import channels_of, enqueue, zone_of
from store.db import session_scope
from store.models import WEEKDAYS, Subscription
from store.models.types import utcnow
from store.queries.alerts import alerts_between, receiving, sibling_alerts, told_items

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def last_slot(subscription: Subscription, period: str, now: datetime) -> datetime:
    """The latest scheduled digest time at or before ``now`` (UTC)."""
    zone = zone_of(subscription.timezone)
    try:
        hour, minute = (int(part) for part in subscription.deliver_at.split(":"))
        at = time(hour, minute)
    except ValueError:
        at = time(8)
    day = now.astimezone(zone).date()
    if period == "weekly":
        weekday = WEEKDAYS.index(subscription.weekday) if subscription.weekday in WEEKDAYS else 0
        day -= timedelta(days=(day.weekday() - weekday) % 7)
    # built from the local date (fold 0) and compared in UTC, so the slot is the same instant
    # however often and whenever in a repeated hour this runs
    slot = datetime.combine(day, at, tzinfo=zone)
    if slot > now:
        slot = datetime.combine(day - PERIODS[period], at, tzinfo=zone)
    return slot.astimezone(UTC)


def enqueue_digests(engine: Engine, period: str, *, now: datetime | None = None, force: bool = False) -> int:
    """Enqueue the ``period`` digests that are due (all of them, up to now, when ``force``);
    how many were enqueued."""
    if period not in PERIODS:
        raise ValueError(f"period must be daily or weekly, not {period!r}")
    now = now or utcnow()
    enqueued = 0
    with session_scope(engine) as session:
        statement = select(Subscription).where(
            receiving(), Subscription.purpose == "alerts", Subscription.frequency == period
        )
        for subscription in session.exec(statement.with_for_update(skip_locked=True)):
            until = now if force else last_slot(subscription, period, now)
            since = subscription.last_digest_at or subscription.created_at
            if since >= until:
                continue
            alerts = alerts_between(session, subscription.id, since, until)
            told = told_items(session, channels_of(subscription), since)
            alerts = [a for a in alerts if (a.item_kind, a.item_id) not in told]
            if alerts:
                alerts += sibling_alerts(
                    session, subscription, {(a.item_kind, a.item_id) for a in alerts}, since, until
                )
                enqueued += enqueue(
                    session,
                    subscription,
                    kind="digest",
                    alert_ids=sorted(a.id for a in alerts),
                    key=f"digest:{subscription.id}:{until.isoformat()}",
                    now=now,
                )
            subscription.last_digest_at = until
            session.add(subscription)
    return enqueued
