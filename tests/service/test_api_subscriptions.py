"""Subscriptions and the alerts inbox: each exporter sees and changes only their own."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from service.api import subscriptions as subscriptions_api
from store.models import Alert, NotificationCreate
from store.queries.notifications import upsert_notification
from tests.service.api_fixtures import api, users  # noqa: F401 (fixtures)

BODY = {
    "name": "电池",
    "email": "buyer@example.org",
    "sectors": ["EPNE"],
    "hs_prefixes": ["85.07"],
    "members": ["EU"],
    "keywords": ["锂电池"],
    "frequency": "daily",
    "language": "en",
}


def test_create_edit_pause_delete_own(api, users):
    mine, other = users["exporter"].headers, users["exporter2"].headers
    made = api.post("/api/v1/subscriptions", json=BODY, headers=mine)
    assert made.status_code == 201, made.text
    sub = made.json()
    assert sub["hs_prefixes"] == ["8507"] and sub["active"] and "token" not in sub
    url = f"/api/v1/subscriptions/{sub['id']}"
    assert api.get(url, headers=other).status_code == 404
    assert api.patch(url, json={"name": "x"}, headers=other).status_code == 404
    assert api.delete(url, headers=other).status_code == 404
    assert api.get("/api/v1/subscriptions", headers=other).json()["total"] == 0
    assert api.get("/api/v1/subscriptions", headers=mine).json()["total"] == 1
    edited = api.patch(url, json={"frequency": "weekly", "reminder_days": [3, 14, 3]}, headers=mine).json()
    assert edited["frequency"] == "weekly" and edited["reminder_days"] == [14, 3] and edited["name"] == "电池"
    assert api.patch(url, json={"frequency": "hourly"}, headers=mine).status_code == 422
    assert api.patch(url, json={"email": None}, headers=mine).status_code == 422  # nowhere to deliver
    assert api.post(f"{url}/pause", headers=mine).json()["active"] is False
    assert api.post(f"{url}/resume", headers=mine).json()["active"] is True
    assert api.patch(url, json={"active": False}, headers=mine).json()["active"] is False
    assert api.delete(url, headers=mine).status_code == 204
    assert api.get(url, headers=mine).status_code == 404


def test_invalid_subscriptions_are_422(api, users):
    headers = users["exporter"].headers
    for bad in (
        {"name": "no channel"},
        {**BODY, "timezone": "Mars/Olympus"},
        {**BODY, "hs_prefixes": ["8x"]},
        {**BODY, "deliver_at": "25:00"},
        {**BODY, "email": "not-an-address"},
        {**BODY, "kinds": ["rumour"]},
    ):
        response = api.post("/api/v1/subscriptions", json=bad, headers=headers)
        assert response.status_code == 422, bad
        assert response.json()["detail"].startswith("invalid request")


def test_weekday_of_weekly_digests(api, users):
    headers = users["exporter"].headers
    sub = api.post("/api/v1/subscriptions", json={**BODY, "frequency": "weekly"}, headers=headers).json()
    assert sub["weekday"] == "mon"  # the default: as before there was a choice
    url = f"/api/v1/subscriptions/{sub['id']}"
    assert api.patch(url, json={"weekday": "fri"}, headers=headers).json()["weekday"] == "fri"
    made = api.post("/api/v1/subscriptions", json={**BODY, "weekday": "sun"}, headers=headers)
    assert made.status_code == 201 and made.json()["weekday"] == "sun"
    for bad in ({**BODY, "weekday": "funday"}, {**BODY, "weekday": 0}):
        refused = api.post("/api/v1/subscriptions", json=bad, headers=headers)
        assert refused.status_code == 422 and refused.json()["detail"].startswith("invalid request: weekday")
    refused = api.patch(url, json={"weekday": "Friday"}, headers=headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "weekday"
    assert api.get(url, headers=headers).json()["weekday"] == "fri"


def test_roles_without_subscriptions(api, users):
    assert api.get("/api/v1/subscriptions", headers=users["embassy"].headers).status_code == 403
    assert api.get("/api/v1/alerts", headers=users["embassy"].headers).status_code == 403
    assert api.get("/api/v1/subscriptions").status_code == 401


def test_send_a_test(api, users, monkeypatch):
    headers = users["exporter"].headers
    sub = api.post("/api/v1/subscriptions", json=BODY, headers=headers).json()
    url = f"/api/v1/subscriptions/{sub['id']}/test"
    sent = []  # sending itself: tests/alerts/test_send_test.py
    monkeypatch.setattr(subscriptions_api, "enqueue_test", lambda session, subscription: sent.append(subscription.id))
    assert api.post(url, headers=headers).status_code == 202 and sent == [sub["id"]]
    assert api.post(url, headers=users["exporter2"].headers).status_code == 404


def test_alerts_inbox_and_dismiss(api, users, db_engine):
    mine = api.post("/api/v1/subscriptions", json=BODY, headers=users["exporter"].headers).json()
    theirs = api.post("/api/v1/subscriptions", json=BODY, headers=users["exporter2"].headers).json()
    with Session(db_engine) as session:
        item = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/EU/1000",
                base_symbol="",
                committee="TBT",
                member_name=None,
                title="Batteries",
                distribution_date=date(2024, 1, 1),
            ),
            source="test",
        ).row
        session.add(Alert(subscription_id=mine["id"], item_kind="notification", item_id=item.id, reason="match"))
        session.add(Alert(subscription_id=theirs["id"], item_kind="notification", item_id=item.id, reason="match"))
        session.commit()
    inbox = api.get("/api/v1/alerts", headers=users["exporter"].headers).json()
    assert inbox["total"] == 1 and inbox["items"][0]["reference"] == "G/TBT/N/EU/1000"
    alert_id = inbox["items"][0]["id"]
    other = api.get("/api/v1/alerts", headers=users["exporter2"].headers).json()["items"][0]["id"]
    assert api.post(f"/api/v1/alerts/{other}/dismiss", headers=users["exporter"].headers).status_code == 404
    assert api.post(f"/api/v1/alerts/{alert_id}/dismiss", headers=users["exporter"].headers).json()["dismissed_at"]
    assert (
        api.get("/api/v1/alerts", params={"dismissed": False}, headers=users["exporter"].headers).json()["total"] == 0
    )


def test_preview_counts_without_saving(api, users, db_engine):
    from datetime import timedelta

    from tests.factories import add_notification

    for number in range(2):
        add_notification(
            db_engine,
            symbol=f"G/TBT/N/EU/{number + 1}",
            member="EU",
            distribution_date=date.today() - timedelta(days=1),
        )
    mine = users["exporter"].headers
    found = api.post("/api/v1/subscriptions/preview", json={"members": ["欧盟"], "hs_prefixes": ["8507"]}, headers=mine)
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["days"], body["count"], body["too_many"]) == (90, 2, False)
    assert [e["label"] for e in body["examples"]] == ["G/TBT/N/EU/2", "G/TBT/N/EU/1"]
    assert body["examples"][0]["url"].endswith(f"/items/notification/{body['examples'][0]['id']}")
    refused = api.post("/api/v1/subscriptions/preview", json={"name": "all"}, headers=mine)
    assert refused.status_code == 422 and "Choose at least one selector" in refused.json()["detail"]
    assert api.get("/api/v1/subscriptions", headers=mine).json()["total"] == 0


def test_an_item_two_subscriptions_matched_is_one_entry_with_both_reasons(api, users, db_engine, settings):
    from alerts.dispatch import match_new_items
    from tests.factories import add_notification

    mine = users["exporter"].headers
    batteries = {"name": "电池", "email": "buyer@example.org", "hs_prefixes": ["85"], "frequency": "immediate"}
    usa = {"name": "美国", "email": "buyer@example.org", "members": ["USA"], "frequency": "immediate"}
    first, second = (api.post("/api/v1/subscriptions", json=b, headers=mine).json()["id"] for b in (batteries, usa))
    now = datetime.now(UTC)  # the subscriptions were made now: they hear of items from now on
    fresh = {"first_seen": now, "distribution_date": now.date(), "comment_deadline": now.date() + timedelta(days=60)}
    add_notification(db_engine, **fresh)
    add_notification(db_engine, symbol="G/TBT/N/USA/2200", hs_chapters=("30",), hs_codes=["300490"], **fresh)
    match_new_items(db_engine, settings, now=now)
    inbox = api.get("/api/v1/alerts", headers=mine).json()
    assert inbox["total"] == 2
    both = next(entry for entry in inbox["items"] if entry["reference"] == "G/TBT/N/USA/2100")
    assert {(r["subscription_id"], r["subscription_name"]) for r in both["reasons"]} == {
        (first, "电池"),
        (second, "美国"),
    }
    assert {r["alert_id"] for r in both["reasons"]} >= {both["id"]}
    assert all(r["reason"] == "match" and r["why"] for r in both["reasons"])
    only_first = api.get("/api/v1/alerts", params={"subscription_id": first}, headers=mine).json()
    assert [e["reference"] for e in only_first["items"]] == ["G/TBT/N/USA/2100"]
    assert len(only_first["items"][0]["reasons"]) == 2  # the item, with every reason
    other = next(r["alert_id"] for r in both["reasons"] if r["alert_id"] != both["id"])
    dismissed = api.post(f"/api/v1/alerts/{other}/dismiss", headers=mine).json()
    assert dismissed["dismissed_at"] and dismissed["id"] == both["id"] and len(dismissed["reasons"]) == 2
    assert api.get("/api/v1/alerts", params={"dismissed": False}, headers=mine).json()["total"] == 1
    assert api.get("/api/v1/alerts", params={"dismissed": True}, headers=mine).json()["total"] == 1
