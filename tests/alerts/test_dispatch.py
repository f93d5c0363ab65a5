"""Matching classified items into alerts and delivering them, end to end into a real SMTP
server on loopback."""

from datetime import timedelta

from sqlmodel import Session, select

from alerts.dispatch import dispatch, match_new_items
from alerts.subscriptions import catch_up
from store.db import session_scope
from store.models import (
    Alert,
    Delivery,
    IntelligenceReport,
    ItemClassification,
    ItemRevision,
    Notification,
    Subscription,
)
from tests.factories import NOW, TODAY, add_notification, classify, clock, date_of, subscribe


def alerts(engine) -> list[Alert]:
    with Session(engine) as session:
        return list(session.exec(select(Alert).order_by(Alert.id)))


def test_a_classified_item_reaches_its_subscriber_once(db_engine, alert_settings, mailbox):
    subscribe(db_engine, members=["USA"], language="en")
    subscribe(db_engine, members=["CHN"])
    item_id = add_notification(db_engine)
    counts = dispatch(db_engine, alert_settings, clock=clock())
    assert counts["alerts"] == 1 and counts["sent"] == 1
    dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(minutes=1)))
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == "buyer@example.com"
    assert "G/TBT/N/USA/2100" in mail["Subject"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith("<https://tbtwatch.test/unsubscribe/")
    assert mail["X-Tbtwatch-Idempotency-Key"].startswith(f"alert:{alerts(db_engine)[0].id}:")
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    assert "Lithium batteries for e-bikes" in text and "60 days left" in text
    assert f"https://tbtwatch.test/items/notification/{item_id}" in text
    assert "docs.wto.org" in text and "NUSA2100.pdf" in text
    assert "Electronics and information — HS 8507 core" in text
    with Session(db_engine) as session:
        assert session.exec(select(ItemClassification)).one().matched_at is not None


def test_unclassified_items_wait_and_alerts_are_unique(db_engine, alert_settings, mailbox):
    subscribe(db_engine)
    add_notification(db_engine, classified=False)
    assert match_new_items(db_engine, alert_settings, now=NOW)["alerts"] == 0
    item_id = add_notification(db_engine, symbol="G/TBT/N/USA/2101")
    match_new_items(db_engine, alert_settings, now=NOW)
    with session_scope(db_engine) as session:  # matched again (e.g. reclassified): nothing new
        session.exec(select(ItemClassification)).one().matched_at = None
    match_new_items(db_engine, alert_settings, now=NOW)
    assert [(a.item_id, a.reason) for a in alerts(db_engine)] == [(item_id, "match")]


def test_no_flood_on_backfill_and_new_subscriptions_start_from_now(db_engine, alert_settings, mailbox):
    subscribe(db_engine)
    late_closed = add_notification(
        db_engine, symbol="G/TBT/N/USA/1", distribution_date=date_of(-400), comment_deadline=date_of(-340)
    )
    late_open = add_notification(
        db_engine, symbol="G/TBT/N/USA/2", distribution_date=date_of(-50), comment_deadline=date_of(5)
    )
    on_time = add_notification(db_engine, symbol="G/TBT/N/USA/3", comment_deadline=None)
    subscribe(db_engine, created=NOW, email="late@example.com")  # after the items arrived
    match_new_items(db_engine, alert_settings, now=NOW)
    found = [(a.subscription_id, a.item_id) for a in alerts(db_engine)]
    assert sorted(found) == [(1, late_open), (1, on_time)]
    assert late_closed not in [item for _, item in found]


def test_an_addendum_follows_up_in_the_same_thread(db_engine, alert_settings, mailbox):
    subscribe(db_engine, sectors=["EI"], language="en")
    add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    # The addendum is about something else entirely: it still goes to the thread's subscriber.
    add_notification(
        db_engine,
        symbol="G/TBT/N/USA/2100/Add.1",
        sectors={"BIO": []},
        comment_deadline=date_of(90),
        description="The comment period is extended.",
    )
    dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(hours=1)))
    first, follow_up = mailbox.messages
    assert follow_up["In-Reply-To"] == first["Message-ID"] == follow_up["References"]
    assert follow_up["Subject"] == "Re: " + first["Subject"]
    text = follow_up.get_body(("plain",)).get_content()
    assert f"comment deadline now {date_of(90).isoformat()} (was {date_of(60).isoformat()})" in text
    assert [a.reason for a in alerts(db_engine)] == ["match", "follow-up"]


def test_a_new_version_of_an_alerted_item_follows_up(db_engine, alert_settings, mailbox):
    subscribe(db_engine, language="en")
    item_id = add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    with session_scope(db_engine) as session:
        session.add(
            ItemRevision(
                item_kind="notification",
                item_id=item_id,
                source="test",
                changed_at=NOW + timedelta(minutes=5),
                changes={
                    "comment_deadline": [date_of(60).isoformat(), date_of(75).isoformat()],
                    "description": ["a", "b"],
                },
            )
        )
    for minutes in (10, 11):
        dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(minutes=minutes)))
    assert len(mailbox.messages) == 2
    assert "comment deadline now " + date_of(75).isoformat() in mailbox.messages[1].get_body(("plain",)).get_content()


def test_digest_subscribers_get_no_immediate_mail(db_engine, alert_settings, mailbox):
    subscribe(db_engine, frequency="daily")
    add_notification(db_engine)
    counts = dispatch(db_engine, alert_settings, clock=clock())
    assert counts["alerts"] == 1 and not mailbox.messages


def test_catch_up_digest_of_items_still_open(db_engine, alert_settings, mailbox):
    add_notification(db_engine, symbol="G/TBT/N/USA/1")
    add_notification(db_engine, symbol="G/TBT/N/USA/2", comment_deadline=date_of(-1))
    add_notification(db_engine, symbol="G/TBT/N/CHN/3", member="CHN")
    sub_id = subscribe(db_engine, created=NOW, members=["USA"], language="en")
    with session_scope(db_engine) as session:
        assert catch_up(session, session.get(Subscription, sub_id), now=NOW) == 1
    dispatch(db_engine, alert_settings, clock=clock())
    [mail] = mailbox.messages
    assert mail["Subject"] == "[Still open for comment] 1 items"
    assert "G/TBT/N/USA/1" in mail.get_body(("plain",)).get_content()


def test_removed_subscription_takes_its_alerts_and_deliveries(db_engine, alert_settings, mailbox):
    sub_id = subscribe(db_engine, frequency="immediate")
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings, now=NOW)
    with session_scope(db_engine) as session:
        session.delete(session.get(Subscription, sub_id))
    with Session(db_engine) as session:
        assert not session.exec(select(Delivery)).all() and not session.exec(select(Alert)).all()
        assert session.exec(select(Notification)).one()
    assert TODAY


def test_intelligence_reports_wait_until_published(db_engine, alert_settings, mailbox):
    subscribe(db_engine, members=["IND"], kinds=["intelligence"], language="en")
    with session_scope(db_engine) as session:
        report = IntelligenceReport(
            member_code="IND",
            title="BIS certification backlog for chargers",
            text="Testing labs report 3-month queues.",
            status="submitted",
        )
        session.add(report)
        session.flush()
        classify(session, "intelligence", report.id, {"EI": ["phrase: charger"]})
        report_id = report.id
    assert match_new_items(db_engine, alert_settings, now=NOW)["items"] == 0
    with session_scope(db_engine) as session:
        report = session.get(IntelligenceReport, report_id)
        report.status, report.published_at = "published", NOW
    dispatch(db_engine, alert_settings, clock=clock())
    [mail] = mailbox.messages
    assert "BIS certification backlog" in mail["Subject"]
    assert "Market intelligence" in mail.get_body(("plain",)).get_content()


def test_a_rule_alerted_from_public_inspection_is_not_alerted_again_when_published(db_engine, alert_settings, mailbox):
    from store.models.items import StandardsChangeBase
    from store.queries.changes import upsert_change

    subscribe(db_engine, members=["USA"], language="en")
    document = {
        "external_id": "2026-20007",
        "kind": "new",
        "body": "Foreign Assets Control Office",
        "reference": "2026-20007",
        "title": "Removing Duplicative Penalties Information and Reorganizing Certain Parts",
        "member_code": "USA",
        "language": "en",
    }
    inspection = StandardsChangeBase(
        source="us_federal_register_inspection", stage="public inspection", published_date=TODAY, **document
    )
    with session_scope(db_engine) as session:
        item = upsert_change(session, change=inspection, later_source="us_federal_register").row
        item.first_seen_at = NOW - timedelta(hours=1)
        classify(session, "change", item.id, {"EI": ["test"]})
    assert dispatch(db_engine, alert_settings, clock=clock())["alerts"] == 1
    published = StandardsChangeBase(source="us_federal_register", published_date=TODAY + timedelta(days=1), **document)
    with session_scope(db_engine) as session:
        stored = upsert_change(session, change=published, earlier_source="us_federal_register_inspection")
        assert (stored.outcome, stored.row.id) == ("updated", item.id)
        assert upsert_change(session, change=inspection, later_source="us_federal_register").outcome == "unchanged"
    dispatch(db_engine, alert_settings, clock=clock(NOW + timedelta(minutes=1)))
    assert [a.reason for a in alerts(db_engine)] == ["match"]
    assert len(mailbox.messages) == 1
