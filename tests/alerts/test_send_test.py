"""Send a test: the API and the subscriptions page queue a test message to every channel of a
subscription; the outbox sends it like any delivery, in the subscription's language."""

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from alerts.outbox import enqueue_test, send_due
from alerts.subscriptions import create_subscription
from service.app import create_app
from store.db import session_scope
from store.models import Delivery, Subscription, SubscriptionCreate
from tests.alerts.servers import configure
from tests.factories import subscribe
from tests.service.api_fixtures import users  # noqa: F401 (fixture)
from tests.service.web_helpers import accounts, client_for, post_form  # noqa: F401 (fixture)


@pytest.fixture
def app(alert_settings):
    return create_app(alert_settings, scheduler=False)


def browser(app, name: str):
    """A signed-in client on https, as the base URL of these settings makes cookies secure."""
    client = client_for(app, name)
    client.base_url = "https://testserver"
    return client


def deliveries(engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)))


def test_api_test_arrives_once_in_english(app, users, db_engine, alert_settings, mailbox):
    body = {
        "name": "Batteries <EU>",
        "email": "exporter@example.org",  # the account's own address: confirmed (others: tests/security/test_08)
        "hs_prefixes": ["8507"],
        "members": ["EU"],
        "language": "en",
    }
    with TestClient(app) as api:
        made = api.post("/api/v1/subscriptions", json=body, headers=users["exporter"].headers)
        url = f"/api/v1/subscriptions/{made.json()['id']}/test"
        assert api.post(url, headers=users["exporter2"].headers).status_code == 404
        response = api.post(url, headers=users["exporter"].headers)
    assert response.status_code == 202, response.text
    [delivery] = deliveries(db_engine)
    assert delivery.kind == "test" and delivery.alert_ids == [] and delivery.status == "pending"
    assert send_due(db_engine, alert_settings)["sent"] == 1
    assert send_due(db_engine, alert_settings)["sent"] == 0
    [message] = mailbox.messages
    assert message["To"] == "exporter@example.org"
    assert message["Subject"] == "[Test] tbtwatch subscription “Batteries <EU>”"
    assert message["X-Tbtwatch-Idempotency-Key"] == delivery.idempotency_key
    text = message.get_body(("plain",)).get_content()
    assert "This is a test from tbtwatch" in text and "You will receive alerts for:" in text
    assert "HS codes: 8507" in text and "European Union (EU)" in text
    with Session(db_engine) as session:
        token = session.exec(select(Subscription.token)).one()
    assert f"https://tbtwatch.test/unsubscribe/{token}" in text and token in message["List-Unsubscribe"]
    html = message.get_body(("html",)).get_content()
    assert "Batteries &lt;EU&gt;" in html and "<EU>" not in html


def test_each_request_reaches_every_channel_in_chinese(db_engine, settings, monkeypatch, mailbox, receiver):
    alert_settings = configure(monkeypatch, mailbox, allow_private_webhooks="true")
    sub_id = subscribe(db_engine, channels=[receiver.url], language="zh", sectors=["EI"], name="电池")
    with session_scope(db_engine) as session:
        subscription = session.get(Subscription, sub_id)
        assert enqueue_test(session, subscription=subscription) == 2
        assert enqueue_test(session, subscription=subscription) == 2  # a new request, a new message
    assert len({d.idempotency_key for d in deliveries(db_engine)}) == 4
    assert send_due(db_engine, alert_settings)["sent"] == 4
    assert [m["Subject"] for m in mailbox.messages] == ["【测试】tbtwatch 订阅“电池”"] * 2
    assert "今后您将收到以下事项的预警" in mailbox.messages[0].get_body(("plain",)).get_content()
    payloads = [json.loads(body) for _, body in receiver.requests]
    assert [p["type"] for p in payloads] == ["test", "test"] and payloads[0]["language"] == "zh"
    assert payloads[0]["selectors"] == ["行业: 电子与信息"] and payloads[0]["subscription_id"] == sub_id


def test_a_paused_subscription_gets_no_test(db_engine, alert_settings, mailbox):
    sub_id = subscribe(db_engine, language="en")
    with session_scope(db_engine) as session:
        subscription = session.get(Subscription, sub_id)
        subscription.active = False
        assert enqueue_test(session, subscription=subscription) == 0  # refused at once, nothing queued
    assert send_due(db_engine, alert_settings)["sent"] == 0 and mailbox.messages == []


def test_the_page_button_sends_a_test(app, accounts, db_engine, alert_settings, mailbox):
    with session_scope(db_engine) as session:
        sub_id = create_subscription(
            session,
            SubscriptionCreate(name="Toys", email="exporter@example.org", language="zh"),
            user_id=accounts["exporter"],
        ).id
    client = browser(app, "exporter")
    page = client.get("/subscriptions")
    assert f'action="/subscriptions/{sub_id}/test"' in page.text
    response = post_form(client, f"/subscriptions/{sub_id}/test", page="/subscriptions")
    assert response.status_code == 303 and response.headers["location"] == "/subscriptions?done=test_queued"
    assert (
        post_form(browser(app, "exporter2"), f"/subscriptions/{sub_id}/test", page="/subscriptions").status_code == 404
    )
    assert send_due(db_engine, alert_settings)["sent"] == 1
    [message] = mailbox.messages
    assert message["Subject"] == "【测试】tbtwatch 订阅“Toys”" and message["To"] == "exporter@example.org"
