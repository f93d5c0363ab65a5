"""Search (full text and filters), its CSV and XLSX export, the item page, and the
dashboard, for every signed-in role."""

import csv
import io
from collections import Counter
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from service.web.charts import stacked_bars
from store.db import session_scope
from store.models import IntelligenceReport, NotificationCreate
from store.queries.notifications import upsert_notification
from tests.factories import seed_notifications, tag_item
from tests.service.web_helpers import accounts, app, client_for  # noqa: F401 (fixtures)


@pytest.fixture
def seeded(db_engine, dev_records):
    ids = seed_notifications(db_engine, dev_records, 60)
    with session_scope(db_engine) as session:
        tag_item(
            session,
            "notification",
            ids[0],
            [{"sector": "BIO", "origin": "rule", "reasons": ["HS 3808 insecticides"]}],
            urgency="high",
            urgency_reasons=["deadline soon"],
            hs_tags=[{"code": "27", "score": 0.9, "decided": True, "origin": "model"}],
        )
    return ids


def test_search_needs_login(app):
    response = client_for(app).get("/search?q=battery")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/search")


@pytest.mark.parametrize("role", ["exporter", "staff", "embassy", "admin"])
def test_every_role_searches(app, accounts, seeded, role):
    client = client_for(app, role)
    page = client.get("/search?q=Petroleum jelly")
    assert page.status_code == 200
    assert "G/TBT/N/KEN/1170/Add.2" in page.text


def test_search_in_chinese_and_filters(app, accounts, seeded, dev_records):
    client = client_for(app, "exporter")
    chinese = next(r for r in dev_records[:60] if r["language"] == "zh" and r["title"])
    word = chinese["title"][:4]
    page = client.get("/search", params={"q": word})
    assert page.status_code == 200 and chinese["symbol"] in page.text
    sps = client.get("/search", params={"committee": "SPS", "kind": "notification"})
    assert "G/TBT/" not in sps.text
    hs = client.get("/search", params={"hs": "2712"})
    assert "G/TBT/N/KEN/1170/Add.2" in hs.text
    sector = client.get("/search", params={"sector": "BIO"})
    assert "G/TBT/N/KEN/1170/Add.2" in sector.text and "1 " in sector.text
    member = client.get("/search", params={"member": "KEN"})
    other = next(r for r in dev_records[:60] if r["symbol"] and not r["all_symbols"] and "KEN" not in r["symbol"])
    assert "G/TBT/N/KEN/1170/Add.2" in member.text and other["symbol"] not in member.text
    assert client.get("/search", params={"date_from": "not a date"}).status_code == 400


def test_several_members_types_and_the_glossary_on_the_page(app, accounts, seeded, dev_records):
    client = client_for(app, "exporter")
    page = client.get("/search", params=[("member", "KEN"), ("member", "EU"), ("lang", "zh")])
    assert page.status_code == 200 and "G/TBT/N/KEN/1170/Add.2" in page.text
    picker = page.text.index('name="member"')
    assert page.text.index("欧盟") < page.text.index("阿富汗")  # major markets first
    assert picker > 0
    addenda = client.get("/search", params={"type": "addendum", "kind": "notification"})
    symbols = [r["symbol"] for r in dev_records[:60] if r["symbol"]]
    assert all(s in addenda.text for s in symbols if "/Add." in s and not s.endswith("/Corr.1"))
    battery = client.get("/search", params={"q": "电池", "lang": "zh"})
    assert "也搜索了：" in battery.text and "battery" in battery.text and "只搜原词" in battery.text
    plain = client.get("/search", params={"q": "电池", "expand": "0", "lang": "en"})
    assert "Also searched for" not in plain.text and "Also search other languages" in plain.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=%00", "无法识别的字符"),
        ("q=%ED%A0%80", "无法识别的字符"),
        ("page=%C2%B2", "页码"),
        ("page=0", "页码"),
        ("page=99999999999", "页码"),
        ("date_from=2024-13-01", "日期格式"),
        ("hs=%C2%B2", "HS 编码"),
    ],
)
def test_bad_input_re_renders_the_page_with_a_message(app, accounts, seeded, query, message):
    response = client_for(app, "exporter").get(f"/search?{query}&lang=zh")
    assert response.status_code == 400 and message in response.text and "<form" in response.text


def test_long_queries_are_cut_and_pages_past_the_end_tell_the_total(app, accounts, seeded):
    client = client_for(app, "exporter")
    long = client.get("/search", params={"q": "Petroleum " + "x" * 500, "lang": "en"})
    assert long.status_code == 200 and "only its first 200 characters" in long.text
    past = client.get("/search", params={"page": 999, "lang": "en"})
    assert past.status_code == 200 and "60 results" in past.text and "past the last result" in past.text


def test_csv_and_xlsx_exports(app, accounts, seeded):
    client = client_for(app, "exporter")
    response = client.get("/search.csv", params={"q": "Petroleum", "lang": "en"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Kind", "Reference"]
    assert any(row[1] == "G/TBT/N/KEN/1170/Add.2" for row in rows[1:])
    xlsx = client.get("/search.xlsx", params={"q": "Petroleum"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][1] == "编号" and any(row[1] == "G/TBT/N/KEN/1170/Add.2" for row in values[1:])
    assert client.get("/search.pdf").status_code == 404


def test_item_page_shows_fields_thread_tags_and_countdown(app, accounts, seeded, db_engine):
    with session_scope(db_engine) as session:
        stored = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/KEN/1170",
                committee="TBT",
                member_name="Kenya",
                comment_deadline=date.today() + timedelta(days=10),
                title="Petroleum jelly draft",
            ),
            source="test",
        )
        base_id = stored.row.id
    client = client_for(app, "exporter")
    page = client.get(f"/items/notification/{seeded[0]}")
    assert page.status_code == 200
    text = page.text
    assert "G/TBT/N/KEN/1170/Add.2" in text and "271210" in text and "71.100.70" in text
    assert "HS 3808 insecticides" in text and "生物医药与中药" in text
    assert f"/items/notification/{base_id}" in text  # the thread links the base notification
    assert "confirm_sectors" not in text and "/triage/" not in text  # not staff
    base = client.get(f"/items/notification/{base_id}?lang=en")
    assert "10 days left" in base.text
    assert client.get("/items/notification/999999").status_code == 404
    assert client.get("/items/nothing/1").status_code == 404


def test_item_page_gives_the_reasons_in_the_page_language(app, accounts, db_engine):
    with session_scope(db_engine) as session:
        stored = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/KEN/1180", committee="TBT", member_name="Kenya", title="Lithium batteries"
            ),
            source="test",
        )
        item_id = stored.row.id
        tag_item(
            session,
            "notification",
            item_id,
            [{"sector": "EPNE", "origin": "rule", "reasons": ["code HS 850760 ~ 8507 (core)", "model 0.85"]}],
            urgency="high",
            urgency_reasons=[
                "draft measure",
                "9 days left to comment (deadline 2026-12-07)",
                "sectors: EPNE",
                "an older wording",
            ],
        )
    client = client_for(app, "exporter")
    chinese = client.get(f"/items/notification/{item_id}").text
    assert "产品：蓄电池（HS 8507.60）；文本模型评分 0.85" in chinese
    assert "措施草案；距评议截止还有 9 天（2026-12-07）；涉及领域：环境保护与新能源；an older wording" in chinese
    english = client.get(f"/items/notification/{item_id}?lang=en").text
    assert "product: Electric accumulators (HS 8507.60); text model score 0.85" in english
    assert "draft measure; 9 days left to comment (deadline 2026-12-07); sectors: EPNE; an older wording" in english
    assert "距评议截止" not in english


def test_drafts_are_private_to_their_author(app, accounts, db_engine):
    with session_scope(db_engine) as session:
        draft = IntelligenceReport(
            member_code="USA", title="Draft on batteries", text="…", author_id=accounts["embassy"], status="draft"
        )
        published = IntelligenceReport(
            member_code="USA", title="Published report", text="…", author_id=accounts["embassy"], status="published"
        )
        session.add_all([draft, published])
        session.flush()
        draft_id, published_id = draft.id, published.id
    assert client_for(app, "embassy").get(f"/items/intelligence/{draft_id}").status_code == 200
    for other in ("embassy2", "exporter", "staff"):
        assert client_for(app, other).get(f"/items/intelligence/{draft_id}").status_code == 404
    assert client_for(app, "exporter").get(f"/items/intelligence/{published_id}").status_code == 200


def test_dashboard_draws_charts_and_closing_soon(app, accounts, db_engine):
    today = date.today()
    with session_scope(db_engine) as session:
        for n, member in enumerate(["Kenya", "China", "Kenya"]):
            stored = upsert_notification(
                session,
                notification=NotificationCreate(
                    symbol=f"G/TBT/N/KEN/{900 + n}",
                    committee="TBT",
                    member_name=member,
                    distribution_date=today,
                    comment_deadline=today + timedelta(days=5 + n),
                    title=f"Lithium battery rule {n}",
                ),
                source="test",
            )
            tag_item(session, "notification", stored.row.id, [{"sector": "EPNE", "origin": "rule", "score": 1.0}])
    page = client_for(app, "exporter").get("/dashboard")
    assert page.status_code == 200
    assert page.text.count('<figure class="chart">') == 2 and "环境保护与新能源" in page.text and "肯尼亚" in page.text
    # charts drawn on the server: the one script is the time zone's (static/zone.js), none inline
    assert "Lithium battery rule 0" in page.text and page.text.count("<script") == 1 and "<script>" not in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    five_years = client_for(app, "exporter").get("/dashboard?months=60")
    assert five_years.status_code == 200 and five_years.text.count('<figure class="chart">') == 2


def test_item_page_opens_with_the_summary_in_the_readers_language(db_engine, app, accounts):
    deadline = date.today() + timedelta(days=30)
    with session_scope(db_engine) as session:
        item_id = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/EU/1042",
                committee="TBT",
                member_code="EU",
                title="Ecodesign requirements for smartphones",
                description="Lays down ecodesign requirements.",
                hs_codes=["851713"],
                objectives=["Protection of the environment"],
                comment_deadline=deadline,
            ),
            source="import",
        ).row.id
    client = client_for(app, "exporter")
    zh = client.get(f"/items/notification/{item_id}?lang=zh").text
    assert zh.index("摘要") < zh.index("原文（未经翻译）") < zh.index("Lays down ecodesign requirements.")
    for text in ("欧盟", "技术法规草案", "智能手机（HS 8517.13）", "保护环境", "还剩 30 天"):
        assert text in zh
    assert f"如需评议，请于 {deadline.isoformat()} 前通过 WTO/TBT 国家通报咨询中心提交" in zh
    en = client.get(f"/items/notification/{item_id}?lang=en").text
    for text in ("European Union", "Draft technical regulation", "Protection of the environment", "30 days left"):
        assert text in en


def test_sector_colours_do_not_change_between_dashboard_ranges():
    keys = ["A", "B", "C", "D"]
    one = stacked_bars(["2026-01"], Counter({("2026-01", "C"): 1}), ["C"], {}, colour_keys=keys)
    both = stacked_bars(
        ["2026-01"], Counter({("2026-01", "B"): 1, ("2026-01", "C"): 2}), ["B", "C"], {}, colour_keys=keys
    )
    assert {n: c for c, n in one.legend}["C"] == {n: c for c, n in both.legend}["C"]


def test_every_page_names_its_icon(app, accounts):
    client = client_for(app)
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_item_page_puts_triage_and_effective_tags_first_and_folds_the_fields(app, accounts, db_engine):
    with session_scope(db_engine) as session:
        item_id = upsert_notification(
            session,
            notification=NotificationCreate(symbol="G/TBT/N/KEN/1190", committee="TBT", member_name="Kenya", title="X"),
            source="test",
        ).row.id
        tag_item(
            session,
            "notification",
            item_id,
            [
                {"sector": "BIO", "origin": "model", "score": 0.4, "decided": False},
                {"sector": "EPNE", "origin": "model", "score": 0.9},
                {"sector": "EI", "origin": "human"},
            ],
        )
    for language, human, model, removed in (
        ("zh", "人工", "模型", "已被工作人员移除：环境保护与新能源<"),
        ("en", "Human", "Model", "Removed by staff: Environmental protection and new energy<"),
    ):
        text = client_for(app, "staff").get(f"/items/notification/{item_id}?lang={language}").text
        # the full fields are folded away; the staff's triage form opens the side column, above the tags
        assert '<details class="all-fields">' in text
        assert text.index("<aside>") < text.index('id="triage-form"') < text.index('class="tag-list"')
        assert "https://docs.wto.org/dol2fe/" in text and "G%2FTBT%2FN%2FKEN%2F1190" in text
        tags = text[text.index('class="tag-list"') :]
        listed = tags[: tags.index("</ul>")]
        # the effective tags: staff confirmed EI only, so the model's EPNE is named as removed, not listed
        assert f'origin-human">{human}' in listed and model not in listed and listed.count("<li>") == 1
        assert tags.index("</ul>") < tags.index(removed) < tags.index('<details class="declined">')
        # the proposal below the threshold folded below, never among the removed
        assert tags.index('<details class="declined">') < tags.index(f"{model} 0.40")
        assert 'table class="tags"' not in text
