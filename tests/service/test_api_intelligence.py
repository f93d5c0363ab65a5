"""Intelligence reports and attachments: who writes, reviews and sees what."""

import io
import zipfile

from sqlmodel import Session, select

from store.models import AuditEntry
from tests.service.api_fixtures import api, users  # noqa: F401 (fixtures)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def draft(api, caller, **fields):
    body = {"title": "日本锂电池回收新规", "text": "关于锂电池回收的规定", "hs_codes": ["8507.60"], **fields}
    response = api.post("/api/v1/intelligence", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_embassy_writes_submits_and_staff_publishes(api, users, db_engine):
    embassy, staff, exporter = users["embassy"], users["staff"], users["exporter"]
    report = draft(api, embassy)
    assert report["status"] == "draft" and report["member_code"] == "JPN" and report["hs_codes"] == ["850760"]
    url = f"/api/v1/intelligence/{report['id']}"
    assert api.get(url, headers=exporter.headers).status_code == 404
    assert api.get(url, headers=staff.headers).status_code == 404  # drafts are the author's only
    assert api.get(url, headers=users["embassy2"].headers).status_code == 404
    edited = api.patch(url, json={"title": "新标题", "member_code": "Korea"}, headers=embassy.headers).json()
    assert edited["title"] == "新标题" and edited["member_code"] == "KOR"
    assert api.patch(url, json={"title": "x"}, headers=users["embassy2"].headers).status_code == 404
    assert api.post(f"{url}/publish", headers=staff.headers).status_code == 404  # not submitted yet
    assert api.post(f"{url}/submit", headers=embassy.headers).json()["status"] == "submitted"
    assert api.patch(url, json={"title": "late"}, headers=embassy.headers).status_code == 409
    assert api.get(url, headers=staff.headers).status_code == 200
    assert api.post(f"{url}/publish", headers=exporter.headers).status_code == 403
    assert api.post(f"{url}/publish", headers=embassy.headers).status_code == 403
    rejected = api.post(f"{url}/reject", json={"note": "需要来源"}, headers=staff.headers).json()
    assert rejected["status"] == "rejected" and rejected["review_note"] == "需要来源"
    assert (
        api.patch(url, json={"links": ["https://example.org/a"]}, headers=embassy.headers).json()["status"] == "draft"
    )
    api.post(f"{url}/submit", headers=embassy.headers)
    published = api.post(f"{url}/publish", headers=staff.headers).json()
    assert published["status"] == "published" and published["published_at"]
    assert api.post(f"{url}/publish", headers=staff.headers).status_code == 409
    assert api.get(url, headers=exporter.headers).json()["title"] == "新标题"
    found = api.get("/api/v1/search", params={"q": "锂电池回收"}, headers=exporter.headers).json()["items"]
    assert [(h["kind"], h["id"]) for h in found] == [("intelligence", report["id"])]
    with Session(db_engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["intelligence.reject", "intelligence.publish"]


def test_lists_show_each_role_its_own(api, users):
    mine = draft(api, users["embassy"])
    theirs = draft(api, users["embassy2"])
    api.post(f"/api/v1/intelligence/{theirs['id']}/submit", headers=users["embassy2"].headers)

    def listed(caller, **params):
        response = api.get("/api/v1/intelligence", params=params, headers=caller.headers)
        assert response.status_code == 200
        return [r["id"] for r in response.json()["items"]]

    assert listed(users["embassy"]) == [mine["id"]]
    assert listed(users["embassy2"]) == [theirs["id"]]
    assert listed(users["staff"]) == [theirs["id"]]
    assert listed(users["staff"], status="submitted") == [theirs["id"]]
    assert listed(users["exporter"]) == []
    assert (
        api.post(
            "/api/v1/intelligence", json={"title": "t", "text": "x"}, headers=users["exporter"].headers
        ).status_code
        == 403
    )
    assert (
        api.post(
            "/api/v1/intelligence",
            json={"title": "t", "text": "x", "member_code": "Atlantis"},
            headers=users["embassy"].headers,
        ).status_code
        == 422
    )
    assert api.delete(f"/api/v1/intelligence/{theirs['id']}", headers=users["embassy"].headers).status_code == 404
    assert api.delete(f"/api/v1/intelligence/{mine['id']}", headers=users["embassy"].headers).status_code == 204


def test_attachments_by_content_and_size(api, users):
    embassy = users["embassy"]
    report = draft(api, embassy)
    url = f"/api/v1/intelligence/{report['id']}/attachments"
    pdf = api.post(url, files={"file": ("notice.txt", PDF, "text/plain")}, headers=embassy.headers)
    assert pdf.status_code == 201 and pdf.json()["content_type"] == "application/pdf"
    word = api.post(url, files={"file": ("memo.docx", docx(), "application/octet-stream")}, headers=embassy.headers)
    assert word.status_code == 201 and "wordprocessingml" in word.json()["content_type"]
    png = api.post(
        url, files={"file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")}, headers=embassy.headers
    )
    assert png.status_code == 201
    script = api.post(
        url, files={"file": ("evil.pdf", b"<script>alert(1)</script>", "application/pdf")}, headers=embassy.headers
    )
    assert script.status_code == 415 and "only PDF" in script.json()["detail"]
    big = api.post(
        url, files={"file": ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")}, headers=embassy.headers
    )
    assert big.status_code == 413
    assert (
        api.post(url, files={"file": ("x.pdf", PDF, "application/pdf")}, headers=users["embassy2"].headers).status_code
        == 404
    )
    assert [a["filename"] for a in api.get(url, headers=embassy.headers).json()] == ["notice.txt", "memo.docx", "x.png"]
    download = api.get(f"{url}/{pdf.json()['id']}", headers=embassy.headers)
    assert download.content == PDF and download.headers["x-content-type-options"] == "nosniff"
    assert api.get(f"{url}/{pdf.json()['id']}", headers=users["exporter"].headers).status_code == 404
    assert api.delete(f"{url}/{png.json()['id']}", headers=embassy.headers).status_code == 204
    api.post(f"/api/v1/intelligence/{report['id']}/submit", headers=embassy.headers)
    api.post(f"/api/v1/intelligence/{report['id']}/publish", headers=users["staff"].headers)
    assert api.get(f"{url}/{pdf.json()['id']}", headers=users["exporter"].headers).content == PDF
    detail = api.get(f"/api/v1/intelligence/{report['id']}", headers=users["exporter"].headers).json()
    assert len(detail["attachments"]) == 2
    assert api.post(url, files={"file": ("y.pdf", PDF, "application/pdf")}, headers=embassy.headers).status_code == 409
