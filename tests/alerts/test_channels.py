"""Webhooks (signed, public targets only), Apprise channels and the SMTP URL."""

import json
import time

import pytest

from alerts.channels import (
    DeliveryError,
    Message,
    Senders,
    SmtpServer,
    WebhookSender,
    check_public_target,
    sign,
    valid_channel,
    verify,
    webhook_secret,
)
from alerts.dispatch import dispatch
from alerts.subscriptions import SubscriptionError
from tests.alerts.conftest import add_notification, clock, configure, subscribe


def message(**fields) -> Message:
    return Message(**{"subject": "s", "text": "t", "html": "<p>h</p>", "payload": {"type": "alert", "items": []},
                      "idempotency_key": "alert:1:abc", "message_id": "<1@x>", "unsubscribe_url": "https://x/u",
                      "webhook_secret": "k"} | fields)


def test_signature_round_trip_and_tampering():
    body = b'{"a":1}'
    now = int(time.time())
    signature = sign("secret", now, body)
    assert signature.startswith("sha256=")
    assert verify("secret", str(now), signature, body)
    assert not verify("other", str(now), signature, body)
    assert not verify("secret", str(now), signature, body + b" ")
    assert not verify("secret", str(now - 3600), sign("secret", now - 3600, body), body)  # replayed late
    assert not verify("secret", "soon", signature, body)


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "http://localhost:8080/", "http://10.1.2.3/", "http://[::1]/",
                                 "http://169.254.169.254/latest", "http://192.168.0.10/", "http://[::ffff:127.0.0.1]/",
                                 "http://0.0.0.0/", "http://100.64.0.1/"])
def test_private_and_loopback_targets_are_refused(url):
    with pytest.raises(DeliveryError) as refused:
        check_public_target(url, allow_private=False)
    assert refused.value.permanent
    check_public_target(url, allow_private=True)


def test_public_literal_address_is_allowed():
    check_public_target("https://93.184.215.14/hook", allow_private=False)


def test_webhook_delivery_is_signed_so_a_receiver_can_verify(db_engine, settings, monkeypatch, mailbox, receiver):
    alert_settings = configure(monkeypatch, mailbox, allow_private_webhooks="true")
    sub_id = subscribe(db_engine, email=None, channels=[receiver.url], language="en")
    add_notification(db_engine)
    assert dispatch(db_engine, alert_settings, clock=clock())["sent"] == 1
    [(headers, body)] = receiver.requests
    from sqlmodel import Session

    from store.models import Subscription
    with Session(db_engine) as session:
        secret = webhook_secret(alert_settings.secret_key, session.get(Subscription, sub_id).token)
    assert verify(secret, headers["X-Tbtwatch-Timestamp"], headers["X-Tbtwatch-Signature"], body)
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert headers["Idempotency-Key"] == payload["idempotency_key"]
    [item] = payload["items"]
    assert item["label"] == "G/TBT/N/USA/2100" and item["sectors"][0]["code"] == "EI"
    assert item["days_left"] == 60 and item["urgency_level"] == "medium"


def test_webhook_refused_without_the_admin_setting(db_engine, alert_settings, receiver):
    subscribe(db_engine, email=None, channels=[receiver.url])
    add_notification(db_engine)
    assert dispatch(db_engine, alert_settings, clock=clock())["dead"] == 1
    assert receiver.requests == []


def test_webhook_errors_retry_or_give_up(receiver):
    sender = WebhookSender(allow_private=True)
    receiver.status = 503
    with pytest.raises(DeliveryError) as busy:
        sender.send(receiver.url, message())
    assert not busy.value.permanent
    receiver.status = 410
    with pytest.raises(DeliveryError) as gone:
        sender.send(receiver.url, message())
    assert gone.value.permanent
    sender.close()


def test_apprise_json_target_gets_the_same_public_check(settings):
    with Senders(settings) as senders, pytest.raises(DeliveryError) as refused:
        senders.send("json://127.0.0.1:9/hook", message())
    assert refused.value.permanent and "non-public" in str(refused.value)


def test_apprise_json_delivery_when_allowed(settings, monkeypatch, mailbox, receiver):
    allowed = configure(monkeypatch, mailbox, allow_private_webhooks="true")
    port = receiver.server.server_port
    with Senders(allowed) as senders:
        senders.send(f"json://127.0.0.1:{port}/hook", message(subject="Hello", text="Body text"))
    [payload] = receiver.payloads()
    assert payload["title"] == "Hello" and payload["message"] == "Body text"


@pytest.mark.parametrize("url, ok", [("dingtalk://atoken/", True), ("wecombot://botkey", True),
                                     ("feishu://token", True), ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", True),
                                     ("https://hooks.example.com/x", True), ("nonsense://x", False),
                                     ("mailto:someone@example.com", True)])
def test_channel_urls(url, ok):
    assert valid_channel(url) is ok


def test_subscriptions_refuse_unknown_channels(db_engine, settings):
    with pytest.raises(SubscriptionError, match="channel"):
        subscribe(db_engine, channels=["nonsense://x"])


def test_smtp_urls():
    plain = SmtpServer.from_url("smtp://user%40corp:p%3Ass@mail.example.com:2525?starttls=1")
    assert (plain.host, plain.port, plain.user, plain.password, plain.ssl, plain.starttls) == (
        "mail.example.com", 2525, "user@corp", "p:ss", False, True)
    secure = SmtpServer.from_url("smtps://mail.example.com")
    assert (secure.port, secure.ssl, secure.starttls) == (465, True, False)
    with pytest.raises(ValueError):
        SmtpServer.from_url("http://mail.example.com")
