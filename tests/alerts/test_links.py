"""The public links of a subscription: Atom and iCalendar feeds, one-click unsubscribe."""

from datetime import timedelta

import feedparser
import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from alerts.dispatch import match_new_items
from service.app import create_app
from store.models import Subscription
from tests.factories import NOW, add_notification, date_of, subscribe


@pytest.fixture
def client(alert_settings):
    with TestClient(create_app(alert_settings, scheduler=False)) as client:
        yield client


def token_of(engine, sub_id) -> str:
    with Session(engine) as session:
        return session.get(Subscription, sub_id).token


@pytest.fixture
def subscribed(db_engine, alert_settings):
    sub_id = subscribe(db_engine, language="en")
    add_notification(
        db_engine,
        symbol="G/TBT/N/USA/1",
        title="Batteries; chargers, <b>and</b> more\nsecond line",
        comment_deadline=date_of(40),
    )
    add_notification(db_engine, symbol="G/TBT/N/USA/2", comment_deadline=None)
    match_new_items(db_engine, alert_settings, now=NOW)
    return token_of(db_engine, sub_id)


def test_atom_feed_of_the_alerts(client, subscribed):
    response = client.get(f"/feeds/{subscribed}.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert len(feed.entries) == 2 and feed.feed.title == "tbtwatch subscription 1"
    first = next(e for e in feed.entries if "G/TBT/N/USA/1" in e.title)
    assert "<b>and</b>" in first.title and first.link.startswith("https://tbtwatch.test/items/notification/")
    assert subscribed not in first.id
    assert f"Comment deadline: {date_of(40).isoformat()}" in first.summary


def test_ics_feed_of_comment_deadlines(client, subscribed):
    response = client.get(f"/feeds/{subscribed}.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    body = response.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 1  # the item without a deadline has no event
    unfolded = body.replace("\r\n ", "")
    assert f"DTSTART;VALUE=DATE:{date_of(40).strftime('%Y%m%d')}" in unfolded
    assert "SUMMARY:Comment deadline: G/TBT/N/USA/1 Batteries\\; chargers\\, <b>and</b> more second line" in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_ics_escaping_and_folding(client, db_engine, alert_settings):
    sub_id = subscribe(db_engine, language="zh")
    title = "锂电池" * 40 + "; a,b\\c\nd"
    add_notification(db_engine, symbol="G/TBT/N/CHN/9", title=title, comment_deadline=date_of(10))
    match_new_items(db_engine, alert_settings, now=NOW)
    body = client.get(f"/feeds/{token_of(db_engine, sub_id)}.ics").content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert title.replace("\n", " ") in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == date_of(10)


def test_unknown_tokens(client, db_engine):
    assert client.get("/feeds/nope.atom").status_code == 404
    assert client.get("/unsubscribe/nope").status_code == 404
    assert client.post("/unsubscribe/nope").status_code == 404


def test_one_click_unsubscribe_without_logging_in(client, db_engine, subscribed, alert_settings, mailbox):
    page = client.get(f"/unsubscribe/{subscribed}?lang=en")
    assert page.status_code == 200 and "Stop every alert of this subscription?" in page.text
    assert 'method="post"' in page.text
    with Session(db_engine) as session:
        assert session.get(Subscription, 1).active  # looking is not unsubscribing
    done = client.post(
        f"/unsubscribe/{subscribed}",
        data={"List-Unsubscribe": "One-Click"},
        headers={"Origin": "https://mail.example.com"},
    )
    assert done.status_code == 200
    with Session(db_engine) as session:
        assert not session.get(Subscription, 1).active
    assert client.post(f"/unsubscribe/{subscribed}").status_code == 200  # idempotent
    assert client.get(f"/feeds/{subscribed}.atom").status_code == 410
    add_notification(db_engine, symbol="G/TBT/N/USA/3", first_seen=NOW + timedelta(hours=1))
    assert match_new_items(db_engine, alert_settings, now=NOW + timedelta(hours=2))["alerts"] == 0
