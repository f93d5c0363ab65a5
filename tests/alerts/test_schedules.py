"""Comment-deadline reminders and daily/weekly digests at the subscriber's time of day."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from alerts.digests import enqueue_digests, last_slot
from alerts.dispatch import dispatch, match_new_items
from alerts.outbox import send_due
from alerts.reminders import due_reminder, send_reminders
from store.db import session_scope
from store.models import Alert, Subscription
from tests.factories import NOW, add_notification, clock, date_of, subscribe


def test_which_reminder_is_due():
    assert due_reminder([14, 3], 20, 60) is None
    assert due_reminder([14, 3], 14, 60) == 14
    assert due_reminder([14, 3], 2, 60) == 3  # both due (the scheduler was down): the nearest only
    assert due_reminder([14, 3], 10, 10) is None
    assert due_reminder([14, 3], 3, 10) == 3  # alerted with 10 days left: no 14-day reminder, a 3-day one
    assert due_reminder([], 1, 60) is None


def test_reminders_at_14_and_3_days_once_each_unless_dismissed(db_engine, alert_settings, mailbox):
    subscribe(db_engine, language="en")
    subscribe(db_engine, email="dismisser@example.com")
    add_notification(db_engine, comment_deadline=date_of(30))
    dispatch(db_engine, alert_settings, clock=clock())
    with session_scope(db_engine) as session:
        session.exec(select(Alert).where(Alert.subscription_id == 2)).one().dismissed_at = NOW

    def days(n: int) -> datetime:
        return NOW + timedelta(days=n)

    for day, made in ((10, 0), (16, 1), (17, 0), (27, 1), (28, 0)):  # 14 days left on day 16, 3 on day 27
        assert send_reminders(db_engine, now=days(day)) == made
        send_due(db_engine, alert_settings, clock=clock(days(day)))
    first, fourteen, three = [m for m in mailbox.messages if m["To"] == "buyer@example.com"]
    assert fourteen["Subject"].startswith("[Comment deadline] 14 days left: G/TBT/N/USA/2100")
    assert three["Subject"].startswith("[Comment deadline] 3 days left")
    assert fourteen["In-Reply-To"] == three["In-Reply-To"] == first["Message-ID"]
    assert [m["To"] for m in mailbox.messages].count("dismisser@example.com") == 1  # the alert, no reminder


def test_digest_subscribers_are_reminded_only_of_what_a_digest_brought(db_engine, alert_settings, mailbox):
    subscribe(db_engine, frequency="daily")
    add_notification(db_engine, comment_deadline=date_of(15))
    match_new_items(db_engine, alert_settings, now=NOW)
    assert send_reminders(db_engine, now=NOW + timedelta(hours=1)) == 0  # not yet in a digest
    enqueue_digests(db_engine, "daily", now=NOW + timedelta(days=1))
    assert send_reminders(db_engine, now=NOW + timedelta(days=1, hours=1)) == 1


def test_last_slot_in_the_subscribers_time_zone():
    shanghai = Subscription(deliver_at="08:00", timezone="Asia/Shanghai", token="t")
    # NOW is Monday 10:00 in Shanghai: today's 08:00 slot has passed.
    assert last_slot(shanghai, "daily", NOW) == datetime(2024, 5, 6, 0, 0, tzinfo=UTC)
    assert last_slot(shanghai, "daily", NOW - timedelta(hours=3)) == datetime(2024, 5, 5, 0, 0, tzinfo=UTC)
    assert last_slot(shanghai, "weekly", NOW) == datetime(2024, 5, 6, 0, 0, tzinfo=UTC)  # Monday
    assert last_slot(shanghai, "weekly", NOW - timedelta(hours=3)) == datetime(2024, 4, 29, 0, 0, tzinfo=UTC)
    new_york = Subscription(deliver_at="18:30", timezone="America/New_York", token="t")
    assert last_slot(new_york, "daily", NOW) == datetime(2024, 5, 5, 22, 30, tzinfo=UTC)


def test_daily_digest_once_per_day_by_sector(db_engine, alert_settings, mailbox):
    subscribe(db_engine, frequency="daily", language="en", created=NOW - timedelta(days=3))
    add_notification(db_engine, symbol="G/TBT/N/USA/1", urgency="low", first_seen=NOW - timedelta(days=1, hours=3))
    add_notification(
        db_engine,
        symbol="G/TBT/N/USA/2",
        urgency="high",
        sectors={"BIO": ["phrase: vaccine"]},
        first_seen=NOW - timedelta(days=1, hours=3),
    )
    match_new_items(db_engine, alert_settings, now=NOW - timedelta(days=1, hours=2))  # Sunday noon in Shanghai
    assert enqueue_digests(db_engine, "daily", now=NOW - timedelta(days=1, hours=1)) == 0  # alerts after Sunday's slot
    assert enqueue_digests(db_engine, "daily", now=NOW) == 1  # Monday 08:00 has passed
    assert enqueue_digests(db_engine, "daily", now=NOW + timedelta(minutes=5)) == 0
    assert enqueue_digests(db_engine, "weekly", now=NOW) == 0
    send_due(db_engine, alert_settings, clock=clock())
    [digest] = mailbox.messages
    assert digest["Subject"] == "[Daily digest] 2 items"
    text = digest.get_body(("plain",)).get_content()
    assert (
        text.index("Biomedicine")
        < text.index("G/TBT/N/USA/2")
        < text.index("Electronics")
        < text.index("G/TBT/N/USA/1")
    )
    assert "phrase: vaccine" in text
    with Session(db_engine) as session:
        assert session.exec(select(Subscription)).one().last_digest_at == datetime(2024, 5, 6, 0, 0, tzinfo=UTC)


def test_forced_digest_and_empty_periods(db_engine, alert_settings, mailbox):
    subscribe(db_engine, frequency="weekly")
    assert enqueue_digests(db_engine, "weekly", now=NOW, force=True) == 0  # nothing happened: no mail
    add_notification(db_engine, first_seen=NOW + timedelta(minutes=1))
    match_new_items(db_engine, alert_settings, now=NOW + timedelta(minutes=2))
    assert enqueue_digests(db_engine, "weekly", now=NOW + timedelta(minutes=3), force=True) == 1
    send_due(db_engine, alert_settings)
    assert mailbox.messages[0]["Subject"].startswith("【每周汇总】1")
