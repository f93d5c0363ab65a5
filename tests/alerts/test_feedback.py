"""Feedback links of alerts: sent through a real SMTP server, followed without logging in;
valid, tampered, replayed and expired links; the reason page; the labels training learns from."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from alerts import feedback
from alerts.dispatch import dispatch
from service.app import create_app
from store.db import session_scope
from store.models import AlertFeedback
from store.queries.feedback import HumanLabel, sector_figures, training_labels
from tests.factories import add_notification, clock, confirm_tags, subscribe

LINK = re.compile(r"https://tbtwatch\.test(/feedback/[\w.-]+)\?lang=(zh|en)")


@pytest.fixture
def client(alert_settings):
    return TestClient(create_app(alert_settings, scheduler=False), follow_redirects=False)


def links(mailbox) -> dict[str, str]:
    """The feedback paths of the one e-mail received, by verdict (useful first)."""
    [mail] = mailbox.messages
    text = mail.get_body(("plain",)).get_content()
    (useful, language), (not_relevant, _) = LINK.findall(text)
    html = mail.get_body(("html",)).get_content()
    assert useful in html and not_relevant in html
    return {"useful": useful, "not_relevant": not_relevant, "language": language}


def judgements(engine) -> list[AlertFeedback]:
    with Session(engine) as session:
        return list(session.exec(select(AlertFeedback)))


def test_a_link_records_the_judgement_once_then_takes_a_reason(db_engine, alert_settings, mailbox, client):
    subscription_id = subscribe(db_engine, sectors=["EI"])
    item_id = add_notification(db_engine, sectors={"EI": ["HS 8507"], "EPNE": ["HS 8507"]})
    dispatch(db_engine, alert_settings, clock=clock())
    path = links(mailbox)["not_relevant"]
    text = mailbox.messages[0].get_body(("plain",)).get_content()
    assert f"有用: https://tbtwatch.test{links(mailbox)['useful']}" in text
    assert f"与我无关: https://tbtwatch.test{path}" in text

    page = client.get(path)  # what a link scanner fetches: nothing recorded yet
    assert page.status_code == 200 and 'src="/static/feedback.js"' in page.text and "<script>" not in page.text
    assert judgements(db_engine) == []

    page = client.post(path)
    assert page.status_code == 200 and "已记录：此预警与您无关" in page.text and "行业不对" in page.text
    [judged] = judgements(db_engine)
    assert (judged.subscription_id, judged.item_id, judged.verdict) == (subscription_id, item_id, "not_relevant")
    assert judged.sectors == ["EI", "EPNE"] and judged.subscribed_sectors == ["EI"]

    replay = client.post(path)
    assert replay.status_code == 409 and "此链接已经使用过，本次未作任何更改" in replay.text
    assert client.get(path + "?lang=en").status_code == 409

    assert "Please choose a reason." in client.post(path + "/reason", data={"reason": "nonsense"}).text
    assert client.post(path + "/reason", data={"reason": "wrong_sector"}).status_code == 200
    [judged] = judgements(db_engine)
    assert judged.reason == "wrong_sector"
    with Session(db_engine) as session:
        labels = training_labels(session)
        figures = sector_figures(session)
    assert labels == [HumanLabel("notification", item_id, confirmed=[], rejected=["EI"])]
    assert (figures["EI"].alerts, figures["EI"].useful, figures["EI"].not_relevant) == (1, 0, 1)


def test_changing_ones_mind_through_the_other_link(db_engine, alert_settings, mailbox, client):
    subscribe(db_engine, sectors=["EI"], language="en")
    add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    paths = links(mailbox)
    assert paths["language"] == "en"
    assert "Recorded: this alert was useful" in client.post(paths["useful"] + "?lang=en").text
    client.post(paths["not_relevant"])
    [judged] = judgements(db_engine)
    assert judged.verdict == "not_relevant"
    # the first link cannot add a reason to the later judgement
    assert client.post(paths["useful"] + "/reason", data={"reason": "already_known"}).status_code == 200
    assert judgements(db_engine)[0].reason is None


def test_tampered_and_expired_links_change_nothing_and_say_so(db_engine, alert_settings, mailbox, client, monkeypatch):
    subscribe(db_engine)
    add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    path = links(mailbox)["useful"]
    token = path.rsplit("/", 1)[1]
    payload, rest = token.split(".", 1)
    forged_payload = feedback.make_token("another secret", feedback.read_token(alert_settings.secret_key, token))
    for forged in (
        f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{rest}",
        forged_payload,
        "not-a-token",
    ):
        for answer in (client.get(f"/feedback/{forged}"), client.post(f"/feedback/{forged}")):
            assert answer.status_code == 400 and "此链接无效（可能已被改动），未作任何记录" in answer.text
    # a token of another purpose signed with the same key is refused too
    other = feedback.URLSafeTimedSerializer(alert_settings.secret_key, salt="something-else").dumps([1])
    assert client.post(f"/feedback/{other}").status_code == 400

    later = feedback.utcnow() + feedback.LINK_MAX_AGE + timedelta(days=1)
    monkeypatch.setattr(feedback, "utcnow", lambda: later)
    expired = client.post(path + "?lang=en")
    assert expired.status_code == 410 and "This link has expired; nothing was recorded" in expired.text
    assert judgements(db_engine) == []


def test_a_deleted_subscription_records_nothing(db_engine, alert_settings, mailbox, client):
    subscription_id = subscribe(db_engine)
    add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    path = links(mailbox)["useful"]
    with session_scope(db_engine) as session:
        session.delete(session.get(feedback.Subscription, subscription_id))
    assert client.post(path).status_code == 404
    assert judgements(db_engine) == []


def test_staff_labels_win_over_judgements(db_engine, alert_settings, mailbox, client):
    subscribe(db_engine, sectors=["EI"])
    item_id = add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    client.post(links(mailbox)["useful"])
    with session_scope(db_engine) as session:  # staff correct the rule's EI to OME
        confirm_tags(session, "notification", item_id, ["OME"])
    with Session(db_engine) as session:
        labels = training_labels(session)
    assert labels == [HumanLabel("notification", item_id, confirmed=["OME"], complete=True, source="staff")]


def test_feed_entries_carry_the_subscribers_links(db_engine, alert_settings, mailbox, client):
    subscribe(db_engine, sectors=["EI"])
    item_id = add_notification(db_engine)
    dispatch(db_engine, alert_settings, clock=clock())
    with Session(db_engine) as session:
        token = session.exec(select(feedback.Subscription.token)).one()
    atom = client.get(f"/feeds/{token}.atom").text
    assert "与我无关: https://tbtwatch.test/feedback/" in atom and "措施类型: 技术法规草案" in atom
    path = LINK.findall(atom)[1][0]
    assert client.post(path).status_code == 200
    [judged] = judgements(db_engine)
    assert (judged.item_id, judged.verdict) == (item_id, "not_relevant")


def test_a_merged_message_judges_its_item_for_every_subscription_that_matched(
    db_engine, alert_settings, mailbox, client
):
    """One person, two subscriptions matching one item: one e-mail whose link records the
    judgement for both (the figures count alerts per subscription), one vote for training."""
    electronics = subscribe(db_engine, name="电子", sectors=["EI"])
    usa = subscribe(db_engine, name="美国", members=["USA"])
    item_id = add_notification(db_engine, sectors={"EI": ["HS 8507"], "EPNE": ["HS 8507"]})
    dispatch(db_engine, alert_settings, clock=clock())
    path = links(mailbox)["useful"]
    assert client.post(path).status_code == 200
    judged = sorted(judgements(db_engine), key=lambda j: j.subscription_id)
    assert [(j.subscription_id, j.verdict, j.subscribed_sectors) for j in judged] == [
        (electronics, "useful", ["EI"]),
        (usa, "useful", []),
    ]
    assert client.post(path + "/reason", data={"reason": "already_known"}).status_code == 200
    assert {j.reason for j in judgements(db_engine)} == {"already_known"}
    with Session(db_engine) as session:
        [label] = training_labels(session)
        figures = sector_figures(session)
    assert label == HumanLabel("notification", item_id, confirmed=["EI", "EPNE"], rejected=[])
    assert (figures["EI"].alerts, figures["EI"].useful) == (2, 2)


def test_a_link_of_another_shape_is_refused(alert_settings):
    secret = alert_settings.secret_key
    for data in ([1, "notification", 7, "useful", "n", 2], [1, "notification", 7, "useful", "n", ["2"]]):
        token = feedback._serializer(secret).dumps(data)
        with pytest.raises(feedback.FeedbackLinkError):
            feedback.read_token(secret, token)


def test_a_link_judges_its_item_for_the_subscription_whose_alert_it_was(alert_settings):
    text = f"{feedback.stand_in('useful', 'notification', 7)} {feedback.stand_in('useful', 'notification', 8)}"
    [made] = feedback.personalise(
        [text],
        subscription_id=1,
        nonce="delivery",
        base_url="https://tbtwatch.test",
        secret=alert_settings.secret_key,
        subscription_of={("notification", 8): [2, 3]},
    )
    first, second = (feedback.read_token(alert_settings.secret_key, url.rsplit("/", 1)[1]) for url in made.split())
    assert (first.subscription_ids, first.item_id, second.subscription_ids, second.item_id) == ((1,), 7, (2, 3), 8)
    assert first.nonce != second.nonce
