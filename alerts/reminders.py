"""Comment-deadline reminders: N days before an item's deadline (the subscription's
``reminder_days``, default 14 and 3), for items the subscriber received and has not
dismissed.

A reminder for N is due when at most N days are left and more than N were left when the
item was first alerted (a notification arriving ten days before its deadline gets no
14-day reminder). When several are due at once (the scheduler was down), only the nearest
is sent. Reminders are alerts with reason ``reminder-N``, so each is made once; they go out
at once, whatever the subscription's frequency, threaded under the first alert. "Received"
means alerted, for immediate subscriptions, and included in a digest already sent, for
digest subscriptions.
"""

from datetime import datetime

from sqlalchemy import Engine

from alerts.outbox import add_alerts, zone_of
from store.db import session_scope
from store.models.types import utcnow
from store.queries.alerts import active_subscriptions, open_first_alerts


def due_reminder(reminder_days: list[int], days_left: int, days_left_when_alerted: int) -> int | None:
    """The N of the reminder due now, if any."""
    due = [n for n in reminder_days if days_left <= n < days_left_when_alerted]
    return min(due) if due else None


def send_reminders(engine: Engine, *, now: datetime | None = None) -> int:
    """Make the reminders due now (and enqueue them); how many were made."""
    now = now or utcnow()
    with session_scope(engine) as session:
        subscriptions = {s.id: s for s in active_subscriptions(session)}
        rows = []
        for alert, deadline in open_first_alerts(session, now.date()):
            subscription = subscriptions.get(alert.subscription_id)
            if subscription is None or not subscription.reminder_days:
                continue
            if subscription.frequency != "immediate" and (
                subscription.last_digest_at is None or alert.created_at >= subscription.last_digest_at
            ):
                continue
            zone = zone_of(subscription.timezone)
            today = now.astimezone(zone).date()
            alerted = alert.created_at.astimezone(zone).date()
            days = due_reminder(subscription.reminder_days, (deadline - today).days, (deadline - alerted).days)
            if days is not None:
                rows.append(
                    {
                        "subscription_id": alert.subscription_id,
                        "item_kind": alert.item_kind,
                        "item_id": alert.item_id,
                        "reason": f"reminder-{days}",
                        "follows_alert_id": alert.id,
                        "why": {"days": days},
                    }
                )
        return add_alerts(session, rows, subscriptions, kind="reminder", now=now, digest_too=True)
