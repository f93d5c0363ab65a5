"""One alert per person per item, and nothing for people who may no longer receive alerts
(issue 10 §2, §3): several matching subscriptions of one person give one message per
channel with every subscription's reasons; digests and the inbox tell an item once;
deactivating an account or unsubscribing cancels what is pending and stops what follows.
Real SMTP on loopback, both databases."""

from datetime import timedelta

import markupsafe
from sqlmodel import Session, select

from alerts.digests import enqueue_digests
from alerts.dispatch import dispatch, match_new_items
from alerts.outbox import enqueue_test, replay, send_due
from alerts.reminders import send_reminders
from alerts.subscriptions import set_account_active, unsubscribe
from store.db import session_scope
from store.models import Alert, Delivery, Subscription, User
from store.queries.users import create_user
from tests.alerts.servers import configure
from tests.factories import NOW, add_notification, clock, subscribe


def account(engine, email="buyer@example.com", language="zh") -> int:
    with session_scope(engine) as session:
        return create_user(session, email=email, role="exporter", password_hash="x", language=language).id


def statuses(engine) -> list[str]:
    with Session(engine) as session:
        return [d.status for d in session.exec(select(Delivery).order_by(Delivery.id))]


def test_two_subscriptions_of_one_person_make_one_email_with_both_reasons(db_engine, alert_settings, mailbox):
    user = account(db_engine)
    subscribe(db_engine, name="电子产品", hs_prefixes=["85"], user_id=user)
    subscribe(db_engine, name="欧美市场", members=["USA", "EU"], user_id=user)
    subscribe(db_engine, name="other person", email="someone@example.com")
    add_notification(db_engine)
    counts = dispatch(db_engine, alert_settings, clock=clock())
    assert counts["alerts"] == 3 and counts["sent"] == 2
    mine = [m for m in mailbox.messages if m["To"] == "buyer@example.com"]
    assert len(mine) == 1
    text = mine[0].get_body(("plain",)).get_content()
    assert "订阅“电子产品”：HS编码: 85；订阅“欧美市场”：市场: 美国 (USA)" in text
    assert text.count("G/TBT/N/USA/2100 ·") == 1  # the item is told once
    with Session(db_engine) as session:
        [delivery] = session.exec(select(Delivery).where(Delivery.channel == "mailto:buyer@example.com")).all()
        assert len(delivery.alert_ids) == 2


def test_one_address_without_an_account_is_one_person_too(db_engine, alert_settings, mailbox):
    subscribe(db_engine, name="a", email="Buyer@Example.com", language="en")
    subscribe(db_engine, name="b", email="buyer@example.com", language="en")
    add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    assert len(mailbox.messages) == 1
    text = mailbox.messages[0].get_body(("plain",)).get_content()
    assert "subscription “a”: " in text and "subscription “b”: " in text


def test_merged_messages_each_name_their_own_subscriptions(db_engine, settings, monkeypatch, mailbox, receiver):
    """Merged messages are rendered once for many people, each person's subscription names
    written in afterwards: as is in the text, escaped in the HTML, inside JSON strings."""
    alert_settings = configure(monkeypatch, mailbox, allow_private_webhooks="true")
    names = {"a@example.com": ('Tom & "Jerry" <1>', "\\tabs\\"), "b@example.com": ("电子产品", "欧美市场")}
    for address, (first, second) in names.items():
        hook = f"{receiver.url}?for={address}"
        subscribe(db_engine, name=first, email=address, language="en", hs_prefixes=["85"], channels=[hook])
        subscribe(db_engine, name=second, email=address, language="en", members=["USA"])
    add_notification(db_engine)
    assert dispatch(db_engine, alert_settings, clock=clock())["sent"] == 4
    for message in mailbox.messages:
        first, second = names[message["To"]]
        text = message.get_body(("plain",)).get_content()
        assert f"subscription “{first}”: " in text and f"subscription “{second}”: " in text
        html = message.get_body(("html",)).get_content()
        assert f"subscription “{markupsafe.escape(first)}”: " in html
    why = {tuple(payload["items"][0]["why"]) for payload in receiver.payloads()}
    assert {len(lines) for lines in why} == {2} and len(why) == 2
    assert any('subscription “Tom & "Jerry" <1>”' in line for lines in why for line in lines)


def test_follow_ups_and_digests_tell_a_person_once(db_engine, alert_settings, mailbox):
    user = account(db_engine)
    subscribe(db_engine, name="电子产品", hs_prefixes=["85"], user_id=user)
    subscribe(db_engine, name="美国", members=["USA"], user_id=user)
    subscribe(db_engine, name="每日", sectors=["EI"], user_id=user, frequency="daily")
    add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    assert len(mailbox.messages) == 1
    add_notification(db_engine, symbol="G/TBT/N/USA/2100/Add.1", comment_deadline=NOW.date() + timedelta(days=90))
    dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(minutes=5)))
    assert len(mailbox.messages) == 2 and mailbox.messages[1]["Subject"].startswith("Re: ")
    # the daily digest leaves out what the person was already told on that address
    assert enqueue_digests(db_engine, "daily", now=NOW + timedelta(days=1)) == 0
    # reminders: one per person too
    send_reminders(db_engine, now=NOW + timedelta(days=48))
    send_due(db_engine, alert_settings, clock=clock(NOW + timedelta(days=48)))
    assert len(mailbox.messages) == 3 and "【评议截止提醒】" in mailbox.messages[2]["Subject"]


def test_two_digests_of_one_person_list_the_item_once(db_engine, alert_settings, mailbox):
    subscribe(db_engine, name="daily A", frequency="daily", language="en", created=NOW - timedelta(days=3))
    subscribe(db_engine, name="daily B", frequency="daily", language="en", hs_prefixes=["85"])
    add_notification(db_engine, first_seen=NOW - timedelta(days=1, hours=3))
    match_new_items(db_engine, alert_settings, now=NOW - timedelta(days=1, hours=2))
    assert enqueue_digests(db_engine, "daily", now=NOW) == 1
    send_due(db_engine, alert_settings, clock=clock())
    [digest] = mailbox.messages
    text = digest.get_body(("plain",)).get_content()
    assert text.count("G/TBT/N/USA/2100 ·") == 1
    assert "subscription “daily A”: " in text and "subscription “daily B”: HS codes: 85" in text


def test_deactivation_cancels_pending_and_stops_everything_after(db_engine, alert_settings, mailbox):
    user = account(db_engine)
    sub_id = subscribe(db_engine, user_id=user)
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings, now=NOW)
    assert statuses(db_engine) == ["pending"]
    with session_scope(db_engine) as session:
        assert set_account_active(session, session.get(User, user), False, now=NOW) == 1
    assert statuses(db_engine) == ["cancelled"]  # at once, and not dead
    assert send_due(db_engine, alert_settings, clock=clock())["sent"] == 0
    # nothing later: new items, tests, reminders, replays
    add_notification(db_engine, symbol="G/TBT/N/USA/2200")
    assert dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(minutes=1)))["alerts"] == 0
    with session_scope(db_engine) as session:
        assert enqueue_test(session, subscription=session.get(Subscription, sub_id)) == 0
    assert send_reminders(db_engine, now=NOW + timedelta(days=48)) == 0
    with session_scope(db_engine) as session:
        [delivery] = session.exec(select(Delivery)).all()
        delivery.status = "dead"  # even one that had died is not replayed for an inactive account
    assert not replay(db_engine, delivery.id, now=NOW)
    assert mailbox.messages == []
    # reactivation releases nothing held back; new items reach the account again
    with session_scope(db_engine) as session:
        set_account_active(session, session.get(User, user), True, now=NOW + timedelta(hours=1))
    assert send_reminders(db_engine, now=NOW + timedelta(days=48)) == 0
    assert dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(hours=1)))["sent"] == 0
    add_notification(db_engine, symbol="G/TBT/N/USA/2300", first_seen=NOW + timedelta(hours=2))
    dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(hours=3)))
    assert [m["Subject"].split()[1] for m in mailbox.messages] == ["G/TBT/N/USA/2300"]


def test_a_pending_delivery_of_a_deactivated_account_is_cancelled_when_claimed(db_engine, alert_settings, mailbox):
    user = account(db_engine)
    subscribe(db_engine, user_id=user)
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings, now=NOW)
    with session_scope(db_engine) as session:  # e.g. deactivated by a direct database update
        session.get(User, user).active = False
    assert send_due(db_engine, alert_settings, clock=clock())["cancelled"] == 1
    assert statuses(db_engine) == ["cancelled"] and mailbox.messages == []


def test_unsubscribing_cancels_pending_deliveries(db_engine, alert_settings, mailbox):
    sub_id = subscribe(db_engine)
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings, now=NOW)
    with session_scope(db_engine) as session:
        unsubscribe(session, session.get(Subscription, sub_id).token)
    assert statuses(db_engine) == ["cancelled"]
    assert send_due(db_engine, alert_settings, clock=clock())["sent"] == 0 and mailbox.messages == []
    with Session(db_engine) as session:
        assert len(session.exec(select(Alert)).all()) == 1
