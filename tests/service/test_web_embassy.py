"""Market intelligence: an embassy submits with attachments and sees only its own reports;
staff publish or reject them (audited)."""

import io

from sqlmodel import Session, select

from store.models import Attachment, AuditEntry, IntelligenceReport
from tests.service.web_helpers import accounts, app, client_for, csrf_of  # noqa: F401 (fixtures)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REPORT = {
    "member_code": "USA",
    "title": "加州电池回收新规",
    "text": "加州拟要求锂电池生产者承担回收责任。",
    "products_text": "锂离子电池",
    "hs_codes": "850760",
    "links": "https://example.org/rule",
    "language": "zh",
}


def _submit(client, action="submit", files=None, **changes):
    data = {**REPORT, **changes, "action": action, "csrf_token": csrf_of(client, "/intelligence/new")}
    return client.post("/intelligence", data=data, files=files or [])


def _reports(engine) -> list[IntelligenceReport]:
    with Session(engine) as session:
        return list(session.exec(select(IntelligenceReport)))


def test_submit_with_attachment_and_see_own_status(app, accounts, db_engine):
    client = client_for(app, "embassy")
    response = _submit(
        client,
        files=[
            ("attachments", ("规则.pdf", io.BytesIO(PDF), "application/pdf")),
            ("attachments", ("photo.png", io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 50), "image/png")),
        ],
    )
    assert response.status_code == 303, response.text
    [report] = _reports(db_engine)
    assert (report.status, report.author_id, report.hs_codes) == ("submitted", accounts["embassy"], ["850760"])
    with Session(db_engine) as session:
        attachments = session.exec(select(Attachment)).all()
    assert sorted((a.filename, a.content_type) for a in attachments) == [
        ("photo.png", "image/png"),
        ("规则.pdf", "application/pdf"),
    ]
    listing = client.get("/intelligence").text
    assert "加州电池回收新规" in listing and "待审核" in listing
    pdf = next(a for a in attachments if a.filename == "规则.pdf")
    download = client.get(f"/intelligence/{report.id}/attachments/{pdf.id}")
    assert download.content == PDF and download.headers["x-content-type-options"] == "nosniff"
    assert "filename*=UTF-8''%E8%A7%84%E5%88%99.pdf" in download.headers["content-disposition"]


def test_refuses_other_file_types_and_oversized_files(app, accounts, db_engine):
    client = client_for(app, "embassy")
    script = _submit(
        client, files=[("attachments", ("x.pdf", io.BytesIO(b"<script>alert(1)</script>"), "application/pdf"))]
    )
    assert script.status_code == 400 and "PDF" in script.text
    big = _submit(
        client, files=[("attachments", ("big.pdf", io.BytesIO(PDF + b"0" * (10 * 1024 * 1024)), "application/pdf"))]
    )
    assert big.status_code == 400 and "10 MB" in big.text
    assert _reports(db_engine) == []


def test_drafts_and_submissions_stay_with_their_embassy(app, accounts, db_engine):
    owner = client_for(app, "embassy")
    _submit(owner, action="draft", files=[("attachments", ("rule.pdf", io.BytesIO(PDF), "application/pdf"))])
    [report] = _reports(db_engine)
    other = client_for(app, "embassy2")
    assert "加州电池回收新规" not in other.get("/intelligence").text
    assert other.get(f"/intelligence/{report.id}/edit").status_code == 404
    assert other.get(f"/intelligence/{report.id}/attachments/1").status_code == 404
    assert client_for(app, "staff").get(f"/intelligence/{report.id}/attachments/1").status_code == 404
    assert client_for(app, "exporter").get("/intelligence/new").status_code == 403


def test_staff_publish_and_reject(app, accounts, db_engine):
    embassy = client_for(app, "embassy")
    _submit(embassy)
    _submit(embassy, title="Second report")
    first, second = sorted(_reports(db_engine), key=lambda r: r.id)
    staff = client_for(app, "staff")
    assert f'action="/intelligence/{first.id}/review"' in staff.get(f"/items/intelligence/{first.id}").text
    assert "/review" not in embassy.get(f"/items/intelligence/{first.id}").text
    queue = staff.get("/intelligence/review")
    assert "加州电池回收新规" in queue.text and "Second report" in queue.text
    token = csrf_of(staff, "/intelligence/review")
    assert (
        staff.post(f"/intelligence/{first.id}/review", data={"decision": "publish", "csrf_token": token}).status_code
        == 303
    )
    assert (
        staff.post(
            f"/intelligence/{second.id}/review",
            data={"decision": "reject", "note": "Source needed", "csrf_token": token},
        ).status_code
        == 303
    )
    first, second = sorted(_reports(db_engine), key=lambda r: r.id)
    assert (first.status, second.status, second.review_note) == ("published", "rejected", "Source needed")
    assert first.published_at is not None
    with Session(db_engine) as session:
        assert [e.action for e in session.exec(select(AuditEntry))] == ["intelligence.publish", "intelligence.reject"]
    assert "Source needed" in embassy.get("/intelligence").text
    assert client_for(app, "exporter").get(f"/items/intelligence/{first.id}").status_code == 200
    assert client_for(app, "embassy").get("/intelligence/review").status_code == 403
    assert (
        embassy.post(
            f"/intelligence/{first.id}/review",
            data={"decision": "publish", "csrf_token": csrf_of(embassy, "/intelligence")},
        ).status_code
        == 403
    )
