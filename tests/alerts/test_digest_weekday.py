"""Weekly digests on the subscriber's weekday at their time of day, in their time zone: each
goes out once, on time, across clock changes and however late the job runs."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from alerts.digests import enqueue_digests, last_slot
from alerts.dispatch import match_new_items
from store.models import Delivery, Subscription
from tests.factories import NOW, add_notification, subscribe


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def weekly(weekday: str, deliver_at: str, timezone: str) -> Subscription:
    return Subscription(weekday=weekday, deliver_at=deliver_at, timezone=timezone, token="t")


def test_the_weekday_is_the_subscribers():
    assert Subscription(token="t").weekday == "mon"
    wednesday = weekly("wed", "08:00", "Asia/Shanghai")  # NOW is Monday 10:00 in Shanghai
    assert last_slot(wednesday, "weekly", NOW) == utc(2024, 5, 1, 0, 0)
    assert last_slot(wednesday, "weekly", utc(2024, 5, 7, 23, 59)) == utc(2024, 5, 1, 0, 0)
    assert last_slot(wednesday, "weekly", utc(2024, 5, 8, 0, 0)) == utc(2024, 5, 8, 0, 0)
    # Monday 07:00 in Shanghai is Sunday in UTC; Friday 18:00 in Los Angeles is Saturday
    assert last_slot(weekly("mon", "07:00", "Asia/Shanghai"), "weekly", NOW) == utc(2024, 5, 5, 23, 0)
    assert last_slot(weekly("fri", "18:00", "America/Los_Angeles"), "weekly", NOW) == utc(2024, 5, 4, 1, 0)


@pytest.mark.parametrize(
    "subscription, start, slots",
    [
        # New York falls back on Sunday 3 November: 01:30 comes twice, the first one counts
        (
            weekly("sun", "01:30", "America/New_York"),
            utc(2024, 10, 28),
            [utc(2024, 11, 3, 5, 30), utc(2024, 11, 10, 6, 30)],
        ),
        # and springs forward on Sunday 10 March: 02:30 does not exist, 03:30 stands in
        (
            weekly("sun", "02:30", "America/New_York"),
            utc(2024, 3, 4),
            [utc(2024, 3, 10, 7, 30), utc(2024, 3, 17, 6, 30)],
        ),
        # Berlin's change on Sunday 27 October moves the next Monday's 08:00 an hour later in UTC
        (weekly("mon", "08:00", "Europe/Berlin"), utc(2024, 10, 22), [utc(2024, 10, 28, 7, 0), utc(2024, 11, 4, 7, 0)]),
    ],
)
def test_each_slot_once_and_on_time_across_clock_changes(subscription, start, slots):
    """Asked every minute for two weeks, the latest slot never lies ahead nor goes back, and
    changes exactly when each slot comes."""
    changes, latest = [], last_slot(subscription, "weekly", start)
    for minute in range(14 * 24 * 60):
        now = start + timedelta(minutes=minute)
        slot = last_slot(subscription, "weekly", now)
        assert latest <= slot <= now
        if slot != latest:
            changes.append((now, slot))
            latest = slot
    assert changes == [(slot, slot) for slot in slots]


def _alert_at(engine, settings, moment: datetime, symbol: str) -> None:
    add_notification(
        engine,
        symbol=symbol,
        first_seen=moment,
        distribution_date=moment.date(),
        comment_deadline=moment.date() + timedelta(days=60),
    )
    match_new_items(engine, settings, now=moment)


def _digests(engine) -> dict[str, list[int]]:
    """The alerts of each digest, by idempotency key without its channel part."""
    with Session(engine) as session:
        deliveries = session.exec(select(Delivery).order_by(col(Delivery.id)))
        return {d.idempotency_key.rpartition(":")[0]: d.alert_ids for d in deliveries}


@pytest.mark.parametrize(
    "deliver_at, night, arrivals, digests",
    [
        # 01:30 comes twice: the digest goes at the first; an alert made in the repeated hour waits a week
        (
            "01:30",
            utc(2024, 11, 3, 4),
            [utc(2024, 11, 3, 5, 20), utc(2024, 11, 3, 6, 5)],
            {"digest:1:2024-11-03T05:30:00+00:00": [1], "digest:1:2024-11-10T06:30:00+00:00": [2]},
        ),
        # 02:30 never comes: the digest goes at 03:30 EDT, with the alert made at 03:10
        ("02:30", utc(2024, 3, 10, 5), [utc(2024, 3, 10, 7, 10)], {"digest:1:2024-03-10T07:30:00+00:00": [1]}),
    ],
)
def test_one_digest_through_a_clock_change(db_engine, alert_settings, deliver_at, night, arrivals, digests):
    subscribe(
        db_engine,
        frequency="weekly",
        weekday="sun",
        deliver_at=deliver_at,
        timezone="America/New_York",
        created=night - timedelta(days=7),
    )
    for tick in range(0, 4 * 60, 5):  # the job every five minutes through the night of the change
        now = night + timedelta(minutes=tick)
        if now in arrivals:
            _alert_at(db_engine, alert_settings, now, f"G/TBT/N/USA/{arrivals.index(now) + 1}")
        enqueue_digests(db_engine, "weekly", now=now)
    enqueue_digests(db_engine, "weekly", now=night + timedelta(days=7, hours=4))
    assert _digests(db_engine) == digests


def test_a_late_job_sends_the_missed_digest_once(db_engine, alert_settings):
    subscribe(db_engine, frequency="weekly", weekday="wed", deliver_at="08:00", timezone="Asia/Shanghai")
    _alert_at(db_engine, alert_settings, NOW, "G/TBT/N/USA/1")  # Monday 6 May
    assert enqueue_digests(db_engine, "weekly", now=utc(2024, 5, 7, 23, 59)) == 0  # Wednesday 07:59
    # the scheduler is down from Wednesday to Monday: the Wednesday digest goes then, once
    assert enqueue_digests(db_engine, "weekly", now=NOW + timedelta(days=7)) == 1
    assert enqueue_digests(db_engine, "weekly", now=NOW + timedelta(days=7)) == 0
    assert enqueue_digests(db_engine, "weekly", now=NOW + timedelta(days=8)) == 0
    _alert_at(db_engine, alert_settings, NOW + timedelta(days=8), "G/TBT/N/USA/2")
    assert enqueue_digests(db_engine, "weekly", now=utc(2024, 5, 15, 1, 0)) == 1  # Wednesday 09:00, an hour late
    assert _digests(db_engine) == {"digest:1:2024-05-08T00:00:00+00:00": [1], "digest:1:2024-05-15T00:00:00+00:00": [2]}
    with Session(db_engine) as session:
        assert session.exec(select(Subscription)).one().last_digest_at == utc(2024, 5, 15, 0, 0)
