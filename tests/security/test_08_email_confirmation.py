"""Item 8: an address other than the account's own receives nothing but one confirmation
message until its owner confirms the link in it; tests are limited per subscription and hour."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from alerts.outbox import send_due
from store.models import Delivery


def test_other_addresses_are_confirmed_before_any_alert(app, users, db_engine, alert_settings, mailbox):
    exporter = users["exporter"].headers
    with TestClient(app) as api:
        made = api.post("/api/v1/subscriptions", json={"name": "电池", "email": "victim@example.net"}, headers=exporter)
        assert made.status_code == 201, made.text
        url = f"/api/v1/subscriptions/{made.json()['id']}/test"
        statuses = [api.post(url, headers=exporter).status_code for _ in range(30)]
    assert statuses == [202] * 3 + [429] * 27
    send_due(db_engine, alert_settings)
    [confirmation] = mailbox.messages  # no test reached the unconfirmed address
    assert confirmation["To"] == "victim@example.net" and "请确认" in confirmation["Subject"]
    link = re.search(r"https?://\S+/confirm-email/\d+/[0-9a-f]+", confirmation.get_body(("plain",)).get_content())
    path = "/" + link.group(0).split("/", 3)[3]
    with TestClient(app, follow_redirects=False) as browser:
        assert "确认此邮箱" in browser.get(path).text  # a scanner's fetch confirms nothing
        assert browser.post(path[:-4] + "0000").status_code == 404
        assert browser.post(path).status_code == 200
    with TestClient(app) as api:
        api.post(url, headers=exporter)  # the hour's limit still holds
    with Session(db_engine) as session:
        session.exec(select(Delivery)).all()
    own = {"name": "own", "email": "exporter@example.org"}
    with TestClient(app) as api:
        assert api.post("/api/v1/subscriptions", json=own, headers=exporter).status_code == 201
    send_due(db_engine, alert_settings)
    assert len(mailbox.messages) == 1  # confirmed; nothing new was due
