"""Search, notifications and changes through the API (Chinese and English, filters)."""

from datetime import date

import pytest
from sqlmodel import Session

from store.models import NotificationCreate, StandardsChange
from store.queries.notifications import upsert_notification
from tests.factories import tag_item
from tests.service.api_fixtures import api, users  # noqa: F401 (fixtures)


@pytest.fixture
def items(db_engine, users):
    with Session(db_engine, expire_on_commit=False) as session:

        def notify(symbol, **fields):
            return upsert_notification(
                session,
                notification=NotificationCreate(
                    symbol=symbol, base_symbol="", committee="TBT", member_name=None, **fields
                ),
                source="test",
            ).row

        base = notify(
            "G/TBT/N/CHN/1800",
            member_code="CHN",
            title="锂电池安全技术规范",
            description="Lithium batteries safety",
            distribution_date=date(2024, 3, 1),
            comment_deadline=date(2024, 5, 1),
            hs_codes=["850760"],
        )
        addendum = notify(
            "G/TBT/N/CHN/1800/Add.1", member_code="CHN", title="锂电池 addendum", distribution_date=date(2024, 6, 1)
        )
        toys = notify(
            "G/TBT/N/USA/2100",
            member_code="USA",
            title="Safety of toys",
            distribution_date=date(2024, 4, 1),
            hs_codes=["950300"],
        )
        change = StandardsChange(
            source="iso",
            external_id="1",
            kind="new",
            body="ISO",
            reference="ISO 8124-1",
            title="Safety of toys — Part 1",
            published_date=date(2024, 2, 1),
        )
        session.add(change)
        session.flush()
        tag_item(
            session,
            "notification",
            base.id,
            [{"sector": "EPNE", "origin": "rule", "reasons": ["锂电池"]}],
            urgency="high",
            urgency_reasons=["deadline"],
            hs_tags=[
                {"code": code, "score": score, "decided": decided, "origin": "model"}
                for code, score, decided in (("85", 0.9, True), ("84", 0.2, False))
            ],
        )
        session.commit()
        return {"base": base.id, "addendum": addendum.id, "toys": toys.id, "change": change.id}


def ids(response):
    assert response.status_code == 200, response.text
    return [(hit["kind"], hit["id"]) for hit in response.json()["items"]]


def test_search_in_chinese_and_english(api, users, items):
    headers = users["exporter"].headers
    assert ids(api.get("/api/v1/search", params={"q": "锂电池"}, headers=headers)) == [
        ("notification", items["addendum"]),
        ("notification", items["base"]),
    ]
    assert set(ids(api.get("/api/v1/search", params={"q": "toys safety"}, headers=headers))) == {
        ("notification", items["toys"]),
        ("change", items["change"]),
    }
    assert ids(api.get("/api/v1/search", params={"q": "lithium", "member": "CHN", "hs": "8507"}, headers=headers)) == [
        ("notification", items["base"])
    ]
    assert ids(api.get("/api/v1/search", params={"sector": "EPNE"}, headers=headers)) == [
        ("notification", items["base"])
    ]
    assert ids(api.get("/api/v1/search", params={"open_on": "2024-04-10"}, headers=headers)) == [
        ("notification", items["base"])
    ]
    assert ids(api.get("/api/v1/search", params={"kind": "change"}, headers=headers)) == [("change", items["change"])]


def test_search_pages(api, users, items):
    page = api.get("/api/v1/search", params={"page_size": 2, "page": 2}, headers=users["embassy"].headers).json()
    assert page["total"] == 4 and page["page"] == 2 and page["page_size"] == 2 and len(page["items"]) == 2
    assert api.get("/api/v1/search", params={"sort": "sideways"}, headers=users["embassy"].headers).status_code == 422


def test_notifications_list_and_detail(api, users, items):
    headers = users["staff"].headers
    listed = api.get("/api/v1/notifications", params={"q": "safety"}, headers=headers)
    assert ids(listed) == [("notification", items["toys"]), ("notification", items["base"])]
    detail = api.get(f"/api/v1/notifications/{items['base']}", headers=headers).json()
    assert detail["symbol"] == "G/TBT/N/CHN/1800"
    assert [t["symbol"] for t in detail["thread"]] == ["G/TBT/N/CHN/1800", "G/TBT/N/CHN/1800/Add.1"]
    assert detail["sectors"] == ["EPNE"] and detail["tags"][0]["reasons"] == ["锂电池"]
    assert detail["classification"]["urgency"] == "high"
    assert detail["classification"]["hs_codes"] == ["85"]  # the decided set: the guess of 0.2 is left out
    assert detail["classification"]["hs_chapters"] == [
        {"chapter": "85", "name_zh": "电机、电气设备", "name_en": "Electrical machinery"}
    ]
    assert "raw" not in detail
    assert api.get(f"/api/v1/notifications/{items['toys']}", headers=headers).json()["classification"] is None


def test_changes_list_and_detail(api, users, items):
    headers = users["exporter"].headers
    assert ids(api.get("/api/v1/changes", headers=headers)) == [("change", items["change"])]
    detail = api.get(f"/api/v1/changes/{items['change']}", headers=headers).json()
    assert detail["reference"] == "ISO 8124-1" and detail["sectors"] == []
    assert api.get("/api/v1/changes/999", headers=headers).status_code == 404


def test_reading_needs_sign_in(api, items):
    for path in (
        "/api/v1/search",
        "/api/v1/notifications",
        f"/api/v1/notifications/{items['base']}",
        "/api/v1/changes",
        f"/api/v1/changes/{items['change']}",
    ):
        assert api.get(path).status_code == 401


def test_search_filters_and_glossary(api, users, items):
    headers = users["exporter"].headers
    several = api.get(
        "/api/v1/search", params=[("member", "CHN"), ("member", "USA"), ("kind", "notification")], headers=headers
    )
    assert set(ids(several)) == {("notification", items[k]) for k in ("base", "addendum", "toys")}
    assert ids(api.get("/api/v1/search", params={"type": "addendum"}, headers=headers)) == [
        ("notification", items["addendum"])
    ]
    battery = api.get("/api/v1/search", params={"q": "电池"}, headers=headers).json()
    assert "battery" in battery["also_searched"]
    plain = api.get("/api/v1/search", params={"q": "电池", "expand": "false"}, headers=headers).json()
    assert plain["also_searched"] == []
    assert api.get("/api/v1/search", params={"objective": "sideways"}, headers=headers).status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=a%00b",
        "q=%ED%A0%80",  # a lone surrogate, as UTF-8 would have it
        "q=%FF",
        "page=%C2%B2",  # ²
        "page=99999999999",
        "page_size=%C2%B2",
        "member=%00",
        "date_from=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94-01-01",  # full-width digits
    ],
)
def test_bad_search_input_is_a_clear_4xx(api, users, items, query):
    response = api.get(f"/api/v1/search?{query}", headers=users["exporter"].headers)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_long_queries_are_cut(api, users, items):
    response = api.get("/api/v1/search", params={"q": "toys " + "x" * 5000}, headers=users["exporter"].headers)
    assert response.status_code == 200


def test_a_page_past_the_end_has_the_true_total(api, users, items):
    page = api.get("/api/v1/search", params={"page": 999}, headers=users["exporter"].headers).json()
    assert (page["items"], page["total"]) == ([], 4)
