"""From classified items to alerts, and ``tbtwatch alerts dispatch``: match what is new, then
send what is due.

* Every classified item whose ``item_classification.matched_at`` is empty is matched against
  the active subscriptions (one :class:`~alerts.matching.SubscriptionIndex` per run), then
  marked matched, in one transaction per batch: a crash redoes the batch, and the unique
  (subscription, item, reason) of alerts keeps a redo from alerting twice.
* A subscription starts from the items that arrive after it (``first_seen_at``).
* No flood on backfill: an item first seen more than ``alert_backfill_days`` after its date
  (or without a date) is alerted only while its comment period is open.
* An addendum, revision or corrigendum goes, as a follow-up saying what changed, to every
  subscription already alerted about its thread (whatever its selectors say now); a later
  version of an alerted item (an ``ItemRevision`` changing its deadline, dates, title or
  withdrawing it) does too.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from alerts.followups import addendum_changes, revision_changes
from alerts.matching import SubscriptionIndex
from alerts.outbox import add_alerts, people, send_due
from store.db import session_scope
from store.models import Subscription
from store.models.types import utcnow
from store.queries.alerts import (
    AlertItem,
    active_subscriptions,
    first_alerts,
    load_items,
    mark_matched,
    revisions_since,
    thread_alerts,
    unmatched_items,
)
from store.queries.threads import follow_subscriptions, followers
from store.settings import Settings

MATCH_BATCH = 100
REVISION_WINDOW = timedelta(days=2)  # revisions are looked at this long (dispatch runs each minute)


def is_late(item: AlertItem, settings: Settings, now: datetime) -> bool:
    """A backfilled item whose comment period is over (or never was): not alerted."""
    if item.comment_deadline and item.comment_deadline >= now.date():
        return False
    if item.dated is None or item.first_seen_at is None:
        return True
    return (item.first_seen_at.date() - item.dated).days > settings.alert_backfill_days


def alert_item(
    session: Session, item: AlertItem, index: SubscriptionIndex, subscriptions: dict[int, Subscription], now: datetime
) -> int:
    """Alerts (and immediate deliveries) for one item: follow-ups for its thread's
    subscribers, first alerts for the other subscriptions it matches."""
    thread = {sid: alert for sid, alert in thread_alerts(session, item).items() if sid in subscriptions}
    followed = _followed(session, item, subscriptions, set(thread))
    originals = load_items(
        session,
        {(a.item_kind, a.item_id) for a in thread.values()} | {("notification", n) for n in followed.values() if n},
    )
    follow_ups: list[dict[str, Any]] = [
        {
            "subscription_id": sid,
            "item_kind": item.kind,
            "item_id": item.id,
            "reason": "follow-up",
            "follows_alert_id": first.id,
            "why": {"changes": addendum_changes(item, originals.get((first.item_kind, first.item_id)))},
        }
        for sid, first in thread.items()
    ] + [
        {
            "subscription_id": sid,
            "item_kind": item.kind,
            "item_id": item.id,
            "reason": "follow-up",
            "follows_alert_id": None,
            "why": {"changes": addendum_changes(item, originals.get(("notification", notification_id or 0)))},
        }
        for sid, notification_id in followed.items()
    ]
    matches: list[dict[str, Any]] = [
        {"subscription_id": sid, "item_kind": item.kind, "item_id": item.id, "reason": "match", "why": why}
        for sid, why in index.match(item).items()
        if sid not in thread and (item.first_seen_at is None or subscriptions[sid].created_at <= item.first_seen_at)
    ]
    # one message per person: a match of someone who also gets a follow-up goes with it
    person = people(subscriptions[row["subscription_id"]] for row in follow_ups + matches)
    following = {person[row["subscription_id"]] for row in follow_ups}
    with_follow_up = [row for row in matches if person[row["subscription_id"]] in following]
    matches = [row for row in matches if person[row["subscription_id"]] not in following]
    return add_alerts(session, follow_ups + with_follow_up, subscriptions, kind="follow-up", now=now) + add_alerts(
        session, matches, subscriptions, kind="alert", now=now
    )


def _followed(
    session: Session,
    item: AlertItem,
    subscriptions: dict[int, Subscription],
    already: set[int],
    itself: bool = False,
) -> dict[int, int | None]:
    """For a document of a followed thread (other than the one followed, unless ``itself``:
    a new version of it): the follow subscription of each account following it (that may
    receive alerts and is not ``already`` told) → the notification it followed."""
    if item.kind != "notification" or not item.base_symbol:
        return {}
    choices = followers(session, [item.base_symbol]).get(item.base_symbol, [])
    by_user = follow_subscriptions(session, [c.user_id for c in choices if itself or c.notification_id != item.id])
    return {
        by_user[c.user_id].id: c.notification_id
        for c in choices
        if c.user_id in by_user and by_user[c.user_id].id in subscriptions and by_user[c.user_id].id not in already
    }


def match_new_items(
    engine: Engine, settings: Settings, *, now: datetime | None = None, batch: int = MATCH_BATCH
) -> Counter:
    """Match every classified item not yet matched; returns counts of items and alerts."""
    now = now or utcnow()
    counts: Counter = Counter()
    with session_scope(engine) as session:
        subscriptions = {s.id: s for s in active_subscriptions(session)}
    index = SubscriptionIndex(s for s in subscriptions.values() if s.purpose == "alerts")
    while True:
        with session_scope(engine) as session:
            keys = unmatched_items(session, limit=batch)
            if not keys:
                break
            items = load_items(session, keys)
            for key in keys:
                item = items.get(key)
                if item is None or is_late(item, settings, now):
                    counts["items_skipped"] += 1
                    continue
                counts["items"] += 1
                counts["alerts"] += alert_item(session, item, index, subscriptions, now)
            mark_matched(session, keys, now)
    counts["alerts"] += follow_revisions(engine, now=now)
    return counts


def follow_revisions(engine: Engine, *, now: datetime) -> int:
    """Follow-ups for the recent new versions of alerted or followed items."""
    made = 0
    with session_scope(engine) as session:
        revisions = [
            (r, changes) for r in revisions_since(session, now - REVISION_WINDOW) if (changes := revision_changes(r))
        ]
        subscriptions = {s.id: s for s in active_subscriptions(session)} if revisions else {}
        for revision, changes in revisions:
            rows: list[dict[str, Any]] = [
                {
                    "subscription_id": first.subscription_id,
                    "item_kind": first.item_kind,
                    "item_id": first.item_id,
                    "reason": f"revision:{revision.id}",
                    "follows_alert_id": first.id,
                    "why": {"changes": changes},
                }
                for first in first_alerts(session, (revision.item_kind, revision.item_id))
                if first.subscription_id in subscriptions and first.created_at < revision.changed_at
            ]
            items = load_items(session, [(revision.item_kind, revision.item_id)])
            item = items.get((revision.item_kind, revision.item_id))
            if item is not None:
                rows += [
                    {
                        "subscription_id": sid,
                        "item_kind": item.kind,
                        "item_id": item.id,
                        "reason": f"revision:{revision.id}",
                        "follows_alert_id": None,
                        "why": {"changes": changes},
                    }
                    for sid in _followed(session, item, subscriptions, {row["subscription_id"] for row in rows}, True)
                ]
            made += add_alerts(session, rows, subscriptions, kind="follow-up", now=now)
    return made


def dispatch(engine: Engine, settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Counter:
    """``tbtwatch alerts dispatch``: match what is new, then send what is due."""
    counts = match_new_items(engine, settings, now=clock())
    counts.update(send_due(engine, settings, clock=clock))
    return counts
