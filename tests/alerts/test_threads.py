"""Follow one notification, mute its thread (issue 10 §6): from the item page, the API and the
signed links of e-mails; follow-ups reach a follower without a matching subscription, and
nothing more about a muted thread reaches anyone who muted it. Real SMTP on loopback, both
databases."""

import re
from datetime import timedelta

from sqlmodel import Session, select

from alerts.dispatch import dispatch
from alerts.reminders import send_reminders
from store.db import session_scope
from store.models import ItemRevision, Subscription
from tests.factories import NOW, add_notification, clock, date_of, subscribe
from tests.service.web_helpers import ROLE_EMAILS, accounts, app, client_for, post_form  # noqa: F401 (fixtures)


def test_a_follower_without_a_matching_subscription_gets_the_follow_ups(
    db_engine, alert_settings, mailbox, app, accounts
):
    base = add_notification(db_engine, first_seen=NOW - timedelta(days=2))
    client = client_for(app, "exporter")
    page = f"/items/notification/{base}"
    assert "关注此通报" in client.get(page + "?lang=zh").text
    response = post_form(client, f"{page}/thread", {"choice": "follow"}, page=page)
    assert response.status_code == 303 and response.headers["location"].endswith("done=thread_follow")
    assert "You follow this notification" in client.get(page + "?lang=en").text
    with Session(db_engine) as session:  # the follow subscription is not listed among the account's subscriptions
        assert client.get("/api/v1/subscriptions").json()["total"] == 0
        [follows] = session.exec(select(Subscription)).all()
        assert follows.purpose == "follows" and follows.email == ROLE_EMAILS["exporter"]
    add_notification(db_engine, symbol="G/TBT/N/USA/2100/Add.1", comment_deadline=date_of(90))
    dispatch(db_engine, alert_settings, clock=clock())
    [mail] = mailbox.messages
    assert mail["To"] == ROLE_EMAILS["exporter"] and "G/TBT/N/USA/2100/Add.1" in mail["Subject"]
    assert "评议截止日期变为" in mail.get_body(("plain",)).get_content()
    with session_scope(db_engine) as session:  # a deadline change of the followed notification itself
        session.add(
            ItemRevision(
                item_kind="notification",
                item_id=base,
                source="test",
                changed_at=NOW + timedelta(minutes=5),
                changes={"comment_deadline": [date_of(60).isoformat(), date_of(75).isoformat()]},
            )
        )
    dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(minutes=10)))
    assert (
        len(mailbox.messages) == 2 and date_of(75).isoformat() in mailbox.messages[1].get_body(("plain",)).get_content()
    )


def test_muting_from_the_email_stops_the_thread(db_engine, alert_settings, mailbox, app, accounts):
    subscribe(db_engine, email=ROLE_EMAILS["exporter"], user_id=accounts["exporter"], language="en")
    add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    [mail] = mailbox.messages
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"Mute this notification's thread: (https://tbtwatch\.test(/threads/[^?\s]+))", text)
    assert link and "Follow this notification" in text
    anonymous = client_for(app)
    confirm = anonymous.get(link.group(2) + "?lang=en")
    assert confirm.status_code == 200 and "Mute the thread of G/TBT/N/USA/2100?" in confirm.text
    tampered = anonymous.get(link.group(2)[:-3] + "abc?lang=en")
    assert tampered.status_code == 404 and "not valid" in tampered.text
    done = anonymous.post(link.group(2) + "?lang=en")
    assert "The thread of G/TBT/N/USA/2100 is muted" in done.text
    assert anonymous.post(link.group(2) + "?lang=en").status_code == 200  # again: nothing more changes
    add_notification(db_engine, symbol="G/TBT/N/USA/2100/Add.1", comment_deadline=date_of(90))
    add_notification(db_engine, symbol="G/TBT/N/USA/2100/Rev.1")
    assert dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(minutes=5)))["alerts"] == 0
    assert send_reminders(db_engine, now=NOW + timedelta(days=48)) == 0
    assert len(mailbox.messages) == 1
    # another thread still arrives
    add_notification(db_engine, symbol="G/TBT/N/USA/2200")
    dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(minutes=10)))
    assert len(mailbox.messages) == 2


def test_the_api_follows_mutes_and_clears(db_engine, app, accounts):
    base = add_notification(db_engine)
    client = client_for(app, "exporter")
    path = f"/api/v1/notifications/{base}/thread"
    assert client.get(path).json() == {"notification_id": base, "thread": "G/TBT/N/USA/2100", "choice": None}
    assert client.put(path, json={"choice": "follow"}).json()["choice"] == "follow"
    assert client.put(path, json={"choice": "mute"}).json()["choice"] == "mute"  # one excludes the other
    assert client.get(path).json()["choice"] == "mute"
    assert client.put(path, json={"choice": None}).json()["choice"] is None
    assert client.put(path, json={"choice": "ignore"}).status_code == 422
    assert client.get("/api/v1/notifications/999999/thread").status_code == 404
    assert client_for(app, "exporter2").get(path).json()["choice"] is None  # choices are each account's own
