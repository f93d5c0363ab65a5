"""The triage API: queue order, the status workflow, tags, bulk actions, training data,
and the audit log of it all; staff only."""

import json
from datetime import date

import pytest
from sqlmodel import Session, select

from store.models import AuditEntry, NotificationCreate
from store.queries.notifications import upsert_notification
from tests.factories import tag_item
from tests.service.api_fixtures import api, users  # noqa: F401 (fixtures)


@pytest.fixture
def queued(db_engine, users):
    with Session(db_engine, expire_on_commit=False) as session:
        made = {}
        for name, urgency, deadline in (
            ("low", "low", date(2030, 1, 1)),
            ("high", "high", date(2030, 6, 1)),
            ("medium", "medium", date(2030, 2, 1)),
        ):
            row = upsert_notification(
                session,
                notification=NotificationCreate(
                    symbol=f"G/TBT/N/USA/{len(made) + 1}",
                    base_symbol="",
                    committee="TBT",
                    member_name=None,
                    title=f"{name} urgency item",
                    comment_deadline=deadline,
                ),
                source="test",
            ).row
            tag_item(session, "notification", row.id, [{"sector": "EI", "origin": "model"}], urgency=urgency)
            made[name] = row.id
        session.commit()
    return made


def test_queue_most_urgent_first_staff_only(api, users, queued):
    response = api.get("/api/v1/triage/queue", headers=users["staff"].headers)
    assert response.status_code == 200
    body = response.json()
    assert [e["id"] for e in body["items"]] == [queued["high"], queued["medium"], queued["low"]]
    assert body["total"] == 3 and body["items"][0]["status"] == "new" and body["items"][0]["sectors"] == ["EI"]
    for role in ("exporter", "embassy"):
        assert api.get("/api/v1/triage/queue", headers=users[role].headers).status_code == 403
    assert api.get("/api/v1/triage/queue", headers=users["admin"].headers).status_code == 200


def test_status_workflow(api, users, queued):
    headers = users["staff"].headers
    url = f"/api/v1/triage/notification/{queued['high']}"

    def move(status, **extra):
        return api.patch(url, json={"status": status, **extra}, headers=headers)

    assert api.get(url, headers=headers).json()["allowed"] == ["no_action", "triaged"]
    assert move("comment_sent").status_code == 409
    assert move("triaged").json()["status"] == "triaged"
    assert (
        move("under_review", set_assignee=True, assignee_id=users["staff2"].id).json()["assignee_id"]
        == users["staff2"].id
    )
    assert move("comment_drafted", assignee_id=users["exporter"].id, set_assignee=True).status_code == 422
    assert move("comment_drafted", comment_text="我们建议……", note="draft ready").json()["status"] == "comment_drafted"
    sent = move("comment_sent", comment_sent_on="2030-01-05").json()
    assert sent["status"] == "comment_sent" and sent["comment_sent_on"] == "2030-01-05"
    assert [n["text"] for n in sent["notes"]] == ["draft ready"]
    assert move("closed").json()["allowed"] == ["under_review"]
    note = api.post(f"{url}/notes", json={"text": "closed after reply"}, headers=headers)
    assert note.status_code == 201 and len(note.json()["notes"]) == 2
    assert api.get("/api/v1/triage/queue", params={"status": "closed"}, headers=headers).json()["total"] == 1
    assert api.patch(url, json={"status": "triaged"}, headers=users["exporter"].headers).status_code == 403
    assert api.patch("/api/v1/triage/notification/999", json={"status": "triaged"}, headers=headers).status_code == 404
    other = f"/api/v1/triage/notification/{queued['low']}"
    assert api.patch(other, json={"status": "triaged"}, headers=headers).status_code == 200
    assert api.patch(other, json={"status": "under_review"}, headers=headers).status_code == 200
    assert api.patch(other, json={"status": "comment_drafted"}, headers=headers).status_code == 200
    assert api.patch(other, json={"status": "comment_sent"}, headers=headers).status_code == 422  # no comment text


def test_tags_bulk_training_data_and_audit(api, users, queued, db_engine):
    headers = users["staff"].headers
    tags = api.put(
        f"/api/v1/triage/notification/{queued['low']}/tags", json={"sectors": ["NM", "EPNE"]}, headers=headers
    )
    assert tags.status_code == 200 and tags.json() == ["EPNE", "NM"]
    assert (
        api.put(
            f"/api/v1/triage/notification/{queued['low']}/tags", json={"sectors": ["ZZ"]}, headers=headers
        ).status_code
        == 422
    )
    detail = api.get(f"/api/v1/notifications/{queued['low']}", headers=headers).json()
    assert detail["sectors"] == ["EPNE", "NM"]
    assert any(t["origin"] == "model" for t in detail["tags"])  # the model's tag is kept
    bulk = api.post(
        "/api/v1/triage/bulk",
        json={
            "items": [
                {"kind": "notification", "id": queued["high"]},
                {"kind": "notification", "id": queued["medium"]},
                {"kind": "notification", "id": 999},
            ],
            "status": "triaged",
        },
        headers=headers,
    ).json()
    assert [r["ok"] for r in bulk] == [True, True, False]
    again = api.post(
        "/api/v1/triage/bulk",
        json={"items": [{"kind": "notification", "id": queued["high"]}], "status": "closed"},
        headers=headers,
    ).json()
    assert again[0]["ok"] is False and "may move to" in again[0]["detail"]
    export = api.get("/api/v1/triage/training-data", headers=headers)
    assert export.status_code == 200
    records = [json.loads(line) for line in export.text.splitlines()]
    assert len(records) == 1 and records[0]["sectors"] == ["EPNE", "NM"] and records[0]["title"] == "low urgency item"
    assert api.get("/api/v1/triage/training-data", headers=users["exporter"].headers).status_code == 403
    with Session(db_engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["tags.confirm", "triage.update", "triage.update", "triage.export_training_data"]
