"""Item 9: staff can neither triage nor tag an embassy's report before it is published, on the
pages or through the API (one rule: service.triage.item_to_triage)."""

from sqlmodel import Session, select

from store.models import AuditEntry, SectorTag, Triage
from tests.service.web_helpers import client_for, post_form


def test_staff_may_not_triage_or_tag_drafts(api, users, app, db_engine):
    report = api.post(
        "/api/v1/intelligence", json={"title": "草稿", "text": "未提交"}, headers=users["embassy"].headers
    )
    draft = report.json()["id"]
    page = client_for(app, "staff")
    attempts = [
        post_form(page, f"/triage/intelligence/{draft}", {"status": "triaged"}, page="/triage"),
        post_form(page, f"/triage/intelligence/{draft}/tags", {"sectors": ["EI"]}, page="/triage"),
        post_form(page, "/triage/bulk", {"items": [f"intelligence:{draft}"], "status": "triaged"}, page="/triage"),
    ]
    assert [a.status_code for a in attempts] == [404, 404, 404]
    staff = users["staff"].headers
    assert (
        api.patch(f"/api/v1/triage/intelligence/{draft}", json={"status": "triaged"}, headers=staff).status_code == 404
    )
    assert (
        api.put(f"/api/v1/triage/intelligence/{draft}/tags", json={"sectors": ["EI"]}, headers=staff).status_code == 404
    )
    with Session(db_engine) as session:
        assert not session.exec(select(Triage)).all() and not session.exec(select(SectorTag)).all()
        assert not session.exec(select(AuditEntry).where(AuditEntry.action.startswith("triage"))).all()
