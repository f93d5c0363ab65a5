"""The outbox never loses or repeats an alert: retries, dead letters, crashes, two dispatchers."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from alerts.dispatch import dispatch, match_new_items
from alerts.outbox import replay, send_due
from store.models import Alert, Delivery, DeliveryAttempt
from store.queries.alerts import insert_ignore
from tests.alerts.servers import dispatch_killed_after
from tests.factories import NOW, add_notification, clock, subscribe


def deliveries(engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)))


def test_smtp_down_then_up_delivers_once_after_recovery(db_engine, down_settings, down_mailbox):
    subscribe(db_engine)
    add_notification(db_engine)
    assert dispatch(db_engine, down_settings, clock=clock())["retried"] == 1
    [delivery] = deliveries(db_engine)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.next_attempt_at == NOW + timedelta(seconds=60) and "SMTP" in delivery.last_error
    down_mailbox.start()
    assert dispatch(db_engine, down_settings, clock=clock(NOW + timedelta(seconds=30)))["sent"] == 0  # not due yet
    assert dispatch(db_engine, down_settings, clock=clock(NOW + timedelta(seconds=61)))["sent"] == 1
    dispatch(db_engine, down_settings, clock=clock(NOW + timedelta(hours=1)))
    assert len(down_mailbox.messages) == 1
    with Session(db_engine) as session:
        attempts = session.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.id)).all()
    assert [a.ok for a in attempts] == [False, True] and all(a.finished_at for a in attempts)


def test_backoff_then_dead_then_replay(db_engine, down_settings, down_mailbox):
    subscribe(db_engine)
    add_notification(db_engine)
    moment = NOW
    for expected_wait in (60, 120):
        dispatch(db_engine, down_settings, clock=clock(moment))
        [delivery] = deliveries(db_engine)
        assert delivery.next_attempt_at == moment + timedelta(seconds=expected_wait)
        moment = delivery.next_attempt_at
    assert dispatch(db_engine, down_settings, clock=clock(moment))["dead"] == 1  # the third and last attempt
    [delivery] = deliveries(db_engine)
    assert delivery.status == "dead" and delivery.attempts == 3
    assert dispatch(db_engine, down_settings, clock=clock(moment + timedelta(days=1)))["sent"] == 0
    down_mailbox.start()
    assert replay(db_engine, delivery.id, now=moment)
    assert not replay(db_engine, delivery.id, now=moment)  # pending now, not dead
    assert send_due(db_engine, down_settings, clock=clock(moment))["sent"] == 1
    assert len(down_mailbox.messages) == 1


def test_a_permanent_refusal_is_dead_at_once(db_engine, alert_settings, mailbox):
    subscribe(db_engine, email=None, channels=["http://127.0.0.1:9/hook"])  # private targets are refused
    add_notification(db_engine)
    assert dispatch(db_engine, alert_settings, clock=clock())["dead"] == 1
    assert "non-public address" in deliveries(db_engine)[0].last_error


def test_a_dispatcher_killed_after_sending_loses_nothing(db_engine, alert_settings, mailbox):
    for n in range(3):
        subscribe(db_engine, email=f"buyer{n}@example.com")
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings)
    killed = dispatch_killed_after(1)
    assert killed.returncode == -9
    assert len(mailbox.messages) == 1
    assert {d.status for d in deliveries(db_engine)} == {"sending"}
    counts = send_due(db_engine, alert_settings)  # the claimer is gone: its rows are released
    assert counts["released"] == 3 and counts["sent"] == 3
    keys = Counter(mailbox.keys())
    assert len(keys) == 3 and sorted(keys.values()) == [1, 1, 2]  # one duplicate, same key
    duplicate = [m for m in mailbox.messages if keys[m["X-Tbtwatch-Idempotency-Key"]] == 2]
    assert duplicate[0]["Message-ID"] == duplicate[1]["Message-ID"]


def test_a_message_goes_only_once_the_send_before_it_is_recorded(db_engine, alert_settings, mailbox):
    """Sends are recorded while the next message starts out (alerts.outcomes); slow records still
    leave one duplicate per killed dispatcher, as the next message waits for the record before it."""
    for n in range(4):
        subscribe(db_engine, email=f"buyer{n}@example.com")
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings)
    assert dispatch_killed_after(3, record_delay=0.5).returncode == -9
    assert send_due(db_engine, alert_settings)["released"] == 2  # the one in flight and one never sent
    assert sorted(Counter(mailbox.keys()).values()) == [1, 1, 1, 2]


def test_every_attempt_is_closed_as_sent_or_failed_even_after_a_killed_dispatcher(db_engine, alert_settings, mailbox):
    for n in range(3):
        subscribe(db_engine, email=f"buyer{n}@example.com")
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings)
    assert dispatch_killed_after(2).returncode == -9  # the first send recorded, its attempt left open
    send_due(db_engine, alert_settings)
    with Session(db_engine) as session:
        attempts = list(session.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.id)))
        sent_at = {d.id: d.sent_at for d in session.exec(select(Delivery))}
    assert len(attempts) == 5 and all(a.finished_at is not None for a in attempts)
    assert all(a.finished_at == sent_at[a.delivery_id] for a in attempts if a.ok)
    assert {d.status for d in deliveries(db_engine)} == {"sent"}


def test_two_dispatchers_never_send_one_delivery_twice(db_engine, alert_settings, mailbox):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("row locking (FOR UPDATE SKIP LOCKED) is PostgreSQL's; SQLite has one writer")
    for n in range(60):
        subscribe(db_engine, email=f"buyer{n}@example.com")
    for n in range(5):
        add_notification(db_engine, symbol=f"G/TBT/N/USA/{n + 1}")
    match_new_items(db_engine, alert_settings)
    results = []
    start = threading.Barrier(4)

    def run():
        start.wait()
        results.append(send_due(db_engine, alert_settings, batch=7))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4  # no dispatcher failed
    assert {d.status for d in deliveries(db_engine)} <= {"sent", "pending"}  # nothing left claimed
    send_due(db_engine, alert_settings, clock=lambda: datetime.now(UTC) + timedelta(days=1))  # after any retry
    assert len(mailbox.messages) == 300 and len(set(mailbox.keys())) == 300


def test_two_dispatchers_on_sqlite_share_without_repeats(db_engine, alert_settings, mailbox):
    for n in range(20):
        subscribe(db_engine, email=f"buyer{n}@example.com")
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings)
    threads = [
        threading.Thread(target=send_due, args=(db_engine, alert_settings), kwargs={"batch": 3}) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(Counter(mailbox.keys()).values()) == [1] * 20


def test_insert_ignore_reports_each_row_over_many_pages(db_engine):
    """Multi-row inserts: thousands of rows in one call, some already there, some repeated
    in the call; each row's answer is its own new id or None."""
    subscription_id = subscribe(db_engine)

    def rows(numbers):
        return [
            {
                "subscription_id": subscription_id,
                "item_kind": "notification",
                "item_id": n,
                "reason": "match",
                "why": {"n": n},
                "created_at": NOW,
            }
            for n in numbers
        ]

    with Session(db_engine) as session:
        first = insert_ignore(session, Alert, rows(range(0, 3000, 2)))
        session.commit()
    assert None not in first and len(set(first)) == 1500
    numbers = [*range(2500), 7, 2400, 2401]
    with Session(db_engine) as session:
        second = insert_ignore(session, Alert, rows(numbers))
        session.commit()
        stored = {a.item_id: a.id for a in session.exec(select(Alert))}
    assert len(stored) == 1500 + 1250
    for n, new_id in zip(numbers[:2500], second, strict=False):
        assert new_id == (None if n % 2 == 0 else stored[n]), n
    assert second[2500:] == [None, None, None]
    assert dict(zip(range(0, 3000, 2), first, strict=False)) == {n: i for n, i in stored.items() if n % 2 == 0}
    with Session(db_engine) as session:
        assert insert_ignore(session, Alert, []) == []
