"""One intelligence review for pages and API: the same cases through each way in give the same
refusal (the reader's language on pages, English in the API) and the same stored report."""

import io

import pytest
from sqlmodel import Session, select

from store.models import AuditEntry, IntelligenceReport
from tests.service.web_helpers import accounts, app, client_for, csrf_of  # noqa: F401 (fixtures)

REPORT = {"member_code": "USA", "title": "加州电池回收新规", "text": "锂电池回收", "language": "zh"}

# (field, as the API sends it, as the form is typed, words of the Chinese page, words of the English answer)
REFUSED = [
    ("title", "", "", "请填写“标题”", "“Title” may not be empty"),
    ("text", "", "", "请填写“正文”", "“Text” may not be empty"),
    ("member_code", "Atlantis", "Atlantis", "“Atlantis”不是 WTO 成员", "“Atlantis” is not a WTO member"),
    ("hs_codes", ["85 07"], "85 07", "请连写为 8507", "for one code write 8507"),
    ("hs_codes", ["abc"], "abc", "以下不是：abc", "these are not: abc"),
    ("links", ["ftp://example.org/x"], "ftp://example.org/x", "链接应以 http:// 或 https:// 开头", "Links start with"),
    ("language", "fr", "fr", "语言应为中文（zh）或英文（en）", "The language is zh or en"),
]


def _reports(engine) -> list[IntelligenceReport]:
    with Session(engine) as session:
        return list(session.exec(select(IntelligenceReport).order_by(IntelligenceReport.id)))


@pytest.mark.parametrize(("field", "sent", "typed", "zh", "en"), REFUSED, ids=[f"{c[0]}-{c[2]}" for c in REFUSED])
def test_each_refusal_is_the_same_on_the_page_and_in_the_api(app, accounts, db_engine, field, sent, typed, zh, en):
    client = client_for(app, "embassy")
    answer = client.post("/api/v1/intelligence", json={**REPORT, field: sent})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field
    assert en in answer.json()["detail"], answer.text
    for language, words in (("zh", zh), ("en", en)):
        form = {**REPORT, field: typed, "csrf_token": csrf_of(client, "/intelligence/new")}
        page = client.post(f"/intelligence?lang={language}", data=form)
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
        assert words in page.text, (language, page.text[page.text.find("flash") :][:300])
    assert _reports(db_engine) == []


def test_the_same_report_is_stored_and_reviewed_alike_either_way(app, accounts, db_engine):
    embassy, staff = client_for(app, "embassy"), client_for(app, "staff")
    made = embassy.post(
        "/api/v1/intelligence", json={**REPORT, "member_code": "United States", "hs_codes": ["8507.60"]}
    )
    assert made.status_code == 201, made.text
    form = {**REPORT, "member_code": "usa", "hs_codes": "8507.60", "action": "submit"}
    files = [("attachments", ("规则.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "application/pdf"))]
    page = embassy.post(
        "/intelligence", data={**form, "csrf_token": csrf_of(embassy, "/intelligence/new")}, files=files
    )
    assert page.status_code == 303
    by_api, by_page = _reports(db_engine)
    assert (by_api.member_code, by_api.hs_codes) == (by_page.member_code, by_page.hs_codes) == ("USA", ["850760"])
    assert embassy.post(f"/api/v1/intelligence/{by_api.id}/submit").status_code == 200
    # a reviewer decides through the API or the page: one function, one audit record each
    assert staff.post(f"/api/v1/intelligence/{by_api.id}/publish", json={"note": "好"}).status_code == 200
    token = csrf_of(staff, "/intelligence/review")
    review = staff.post(
        f"/intelligence/{by_page.id}/review", data={"decision": "publish", "note": "好", "csrf_token": token}
    )
    assert review.status_code == 303
    twice = staff.post(f"/intelligence/{by_page.id}/review", data={"decision": "publish", "csrf_token": token})
    assert twice.status_code == 409 and "只有待审核的报送可以审核" in twice.text
    assert staff.post(f"/api/v1/intelligence/{by_page.id}/publish").status_code == 409
    with Session(db_engine) as session:
        entries = list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.action, e.details) for e in entries] == 2 * [("intelligence.publish", {"note": "好"})]
    assert {r.status for r in _reports(db_engine)} == {"published"}
