"""Every refusal a page gives is a page: HTML in the reader's language, never JSON or a
developer's English; a form comes back as typed."""

import io

import pytest

from tests.factories import seed_notifications
from tests.service.web_helpers import accounts, app, client_for, csrf_of  # noqa: F401 (fixtures)

PDF_NAME = "说明.exe"


def _cases(item_id: int) -> list[tuple[str, str, str, dict, dict[str, str]]]:
    """(role, method, path, form, {language: words the page must say})."""
    triage = f"/triage/notification/{item_id}"
    return [
        ("exporter", "GET", "/search?page=0", {}, {"zh": "页码应为", "en": "The page number is"}),
        (
            "exporter",
            "GET",
            "/search?date_from=2026-13-45",
            {},
            {"zh": "日期格式应为", "en": "Dates are year-month-day"},
        ),
        ("exporter", "GET", "/search?hs=abc", {}, {"zh": "HS 编码应包含数字", "en": "An HS code has digits"}),
        ("exporter", "GET", "/items/notification/abc", {}, {"zh": "不存在", "en": "does not exist"}),
        ("exporter", "GET", "/items/notification/999999", {}, {"zh": "不存在", "en": "does not exist"}),
        ("exporter", "GET", "/subscriptions/abc", {}, {"zh": "不存在", "en": "does not exist"}),
        (
            "exporter",
            "POST",
            "/subscriptions",
            {"email": "a@example.org", "hs_prefixes": "abc, 8517"},
            {"zh": "以下不是：abc", "en": "these are not: abc"},
        ),
        (
            "exporter",
            "POST",
            "/subscriptions",
            {"email": "a@example.org", "reminder_days": "seven, -3"},
            {"zh": "以下不是：seven、-3", "en": "these are not: seven, -3"},
        ),
        ("exporter", "GET", "/triage", {}, {"zh": "无权打开此页面", "en": "may not open this page"}),
        ("embassy", "POST", "/intelligence", {}, {"zh": "请填写“标题”", "en": "“Title” may not be empty"}),
        (
            "staff",
            "POST",
            triage,
            {"status": "triaged", "comment_sent_on": "2026-02-30"},
            {"zh": "不是有效的日期", "en": "is not a date"},
        ),
        (
            "staff",
            "POST",
            triage,
            {"status": "comment_sent"},
            {
                "zh": "处于“新到”的信息只能转为：已分拣、无需处理",
                "en": "An item that is “New” may move to: Triaged, No action",
            },
        ),
        ("staff", "GET", "/bulletin?day=2026-99-99", {}, {"zh": "不是有效的日期", "en": "is not a date"}),
        (
            "admin",
            "POST",
            "/admin/users",
            {
                "email": "x@example.org",
                "role": "embassy",
                "member_code": "Atlantis",
                "password": "long enough password",
            },
            {"zh": "“Atlantis”不是 WTO 成员", "en": "“Atlantis” is not a WTO member"},
        ),
    ]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_refusal_is_a_page_in_the_readers_language(app, accounts, db_engine, dev_records, language):
    [item_id] = seed_notifications(db_engine, dev_records, 1)
    for role, method, path, form, words in _cases(item_id):
        client = client_for(app, role)
        client.cookies.set("lang", language)
        if method == "GET":
            answer = client.get(path)
        else:
            page = "/intelligence/new" if role == "embassy" else "/dashboard"
            answer = client.post(path, data={**form, "csrf_token": csrf_of(client, page)})
        assert 400 <= answer.status_code < 500, (path, answer.status_code)
        assert answer.headers["content-type"].startswith("text/html"), (path, answer.text[:200])
        assert words[language] in answer.text, (language, path, answer.text[answer.text.find("<main") :][:600])
        assert '"detail"' not in answer.text
        for typed in (v for v in form.values() if v and "password" not in v and len(v) > 3):
            if path != "/admin/users" or typed != "embassy":
                assert typed in answer.text, (path, typed)


def test_an_upload_refusal_is_in_the_readers_language(app, accounts):
    client = client_for(app, "embassy")
    for language, words in (("zh", "只接受 PDF、DOCX 和图片"), ("en", "only PDF, DOCX and images")):
        client.cookies.set("lang", language)
        form = {"title": "t", "text": "x", "csrf_token": csrf_of(client, "/intelligence/new")}
        answer = client.post("/intelligence", data=form, files=[("attachments", (PDF_NAME, io.BytesIO(b"MZ"), "x"))])
        assert answer.status_code == 400 and words in answer.text and 'value="t"' in answer.text
