"""One subscription rule for pages, API and CLI: the same cases through each way in, the same
refusal (in the reader's language on pages, in English in the API), the same canonical result."""

import pytest
from sqlmodel import Session, select

from store.models import Subscription
from tests.service.web_helpers import accounts, app, client_for, post_form  # noqa: F401 (fixtures)

FORM = {"name": "电池", "email": "me@example.org", "frequency": "daily", "language": "zh"}

# (field, as the API sends it, as the form is typed, words of the Chinese page, words of the English answer)
REFUSED = [
    ("sectors", ["NE"], ["NE"], "未知的领域代码：NE", "Unknown sector code: NE"),
    ("hs_prefixes", ["abc", "8517"], "abc, 8517", "以下不是：abc", "these are not: abc"),
    ("hs_prefixes", ["85 07"], "85 07", "请连写为 8507", "for one code write 8507"),
    ("ics_prefixes", ["13-220"], "13-220", "ICS 分类号形如", "An ICS code looks like"),
    ("members", ["Atlantis"], ["Atlantis"], "“Atlantis”不是 WTO 成员", "“Atlantis” is not a WTO member"),
    ("channels", ["mailto:me@example.org"], "mailto:me@example.org", "电子邮箱请填在", "E-mail addresses go in"),
    ("channels", ["nonsense"], "nonsense", "无法使用的推送渠道地址", "Not a usable channel address"),
    ("email", "not-an-address", "not-an-address", "不是有效的电子邮箱地址", "is not an e-mail address"),
    ("email", None, "", "请填写电子邮箱，或至少一个推送渠道", "Give an e-mail address or at least one channel"),
    ("reminder_days", [0, 400], "0, 400", "1 至 365 的整数，以下不是：0、400", "these are not: 0, 400"),
    ("timezone", "Mars/Olympus", "Mars/Olympus", "未知的时区“Mars/Olympus”", "Unknown time zone “Mars/Olympus”"),
    ("weekday", "someday", "someday", "每周汇总日应为星期一至星期日之一", "weekly digest day is one of"),
    ("deliver_at", "25:00", "25:00", "推送时间应为", "The delivery time is HH:MM"),
    ("kinds", ["rumour"], ["rumour"], "未知的信息类型：rumour", "Unknown kind of item: rumour"),
    ("keywords", ["x" * 201], "x" * 201, "每一项最多 200 个字符", "is at most 200 characters"),
]


def _rows(engine) -> list[Subscription]:
    with Session(engine) as session:
        return list(session.exec(select(Subscription).order_by(Subscription.id)))


@pytest.mark.parametrize(("field", "sent", "typed", "zh", "en"), REFUSED, ids=[f"{c[0]}-{c[2]!s:.12}" for c in REFUSED])
def test_each_refusal_is_the_same_on_the_page_and_in_the_api(app, accounts, db_engine, field, sent, typed, zh, en):
    client = client_for(app, "exporter")
    answer = client.post("/api/v1/subscriptions", json={**FORM, field: sent})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == [{"field": field, "message": answer.json()["errors"][0]["message"]}]
    assert en in answer.json()["detail"]
    for language, words in (("zh", zh), ("en", en)):
        page = post_form(client, f"/subscriptions?lang={language}", {**FORM, field: typed}, page="/subscriptions/new")
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
        assert words in page.text, (language, page.text[page.text.find("flash") : page.text.find("flash") + 300])
        assert 'value="电池"' in page.text  # the form as typed
        if field in ("hs_prefixes", "ics_prefixes", "keywords", "reminder_days", "timezone", "deliver_at"):
            assert f'value="{typed}"' in page.text
    assert _rows(db_engine) == []


def test_reminder_days_that_are_not_numbers_are_named_not_dropped(app, accounts, db_engine):
    client = client_for(app, "exporter")
    page = post_form(client, "/subscriptions", {**FORM, "reminder_days": "seven, -3, 14"}, page="/subscriptions/new")
    assert page.status_code == 400 and "以下不是：seven、-3" in page.text and 'value="seven, -3, 14"' in page.text
    assert _rows(db_engine) == []


def test_the_same_subscription_comes_out_the_same_either_way(app, accounts, db_engine):
    client = client_for(app, "exporter")
    fields = {"members": ["European Union", "usa"], "sectors": ["epne"], "committees": ["tbt"]}
    made = client.post(
        "/api/v1/subscriptions", json={**FORM, **fields, "hs_prefixes": ["85.07"], "reminder_days": [3, 14, 3]}
    )
    assert made.status_code == 201, made.text
    typed = {**FORM, **fields, "hs_prefixes": "85.07", "reminder_days": "3 14 3"}
    assert post_form(client, "/subscriptions", typed, page="/subscriptions/new").status_code == 303
    api_made, page_made = _rows(db_engine)
    for row in (api_made, page_made):
        assert row.members == ["EU", "USA"] and row.sectors == ["EPNE"] and row.committees == ["TBT"]
        assert row.hs_prefixes == ["8507"] and row.reminder_days == [14, 3]
    assert len(api_made.token) == len(page_made.token) == 43  # 32 random bytes, URL-safe base64


def test_an_edit_is_checked_as_a_whole_the_same_way(app, accounts, db_engine):
    client = client_for(app, "exporter")
    sub = client.post("/api/v1/subscriptions", json=FORM).json()
    refused = client.patch(f"/api/v1/subscriptions/{sub['id']}", json={"sectors": ["NE"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "sectors"
    page = post_form(
        client, f"/subscriptions/{sub['id']}?lang=en", {**FORM, "sectors": ["NE"]}, page=f"/subscriptions/{sub['id']}"
    )
    assert page.status_code == 400 and "Unknown sector code: NE" in page.text
    assert _rows(db_engine)[0].sectors == []
