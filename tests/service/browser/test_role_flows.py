"""Each role's main flow in real headless Chromium against a real server: exporter, staff,
embassy, admin. Screenshots go to the ``screenshots`` folder."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from store.db import session_scope
from store.models import Delivery, NotificationCreate, Source, Subscription
from store.queries.notifications import upsert_notification
from tests.factories import seed_notifications, tag_item
from tests.service.web_helpers import PASSWORD, accounts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def sign_in(page, name: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", f"{name}@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button.primary")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


@pytest.fixture
def notifications(db_engine, dev_records) -> list[int]:
    ids = seed_notifications(db_engine, dev_records, 40)
    with session_scope(db_engine) as session:
        stored = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/EU/1100",
                committee="TBT",
                member_name="European Union",
                distribution_date=date.today(),
                comment_deadline=date.today() + timedelta(days=9),
                title="锂电池及废电池法规草案 Draft regulation on batteries and waste batteries",
                products_text="锂离子电池 Lithium-ion batteries",
                hs_codes=["850760"],
            ),
            source="test",
        )
        tag_item(
            session,
            "notification",
            stored.row.id,
            [{"sector": "EPNE", "origin": "rule", "score": 0.92, "reasons": ["HS 850760 锂离子蓄电池"]}],
            urgency="high",
            urgency_reasons=["comment period closes in 9 days"],
            hs_tags=[{"code": "85", "score": 0.9, "decided": True, "origin": "model"}],
        )
        ids.append(stored.row.id)
    return ids


def test_exporter_searches_opens_an_item_and_subscribes(page, accounts, notifications, screenshots):
    sign_in(page, "exporter")
    page.screenshot(path=screenshots / "exporter-dashboard.png", full_page=True)
    page.click("header nav >> text=检索")
    page.fill("input[name=q]", "锂电池")
    page.click("form.search-form button.primary")
    expect(page.locator("table.items")).to_contain_text("G/TBT/N/EU/1100")
    page.screenshot(path=screenshots / "exporter-search.png", full_page=True)
    page.click("text=G/TBT/N/EU/1100")
    expect(page.locator(".countdown")).to_contain_text("9")
    expect(page.locator("ul.tag-list").first).to_contain_text("HS 850760 锂离子蓄电池")
    page.screenshot(path=screenshots / "exporter-item.png", full_page=True)
    page.click("header nav >> text=订阅")
    page.click("text=新建订阅")
    page.fill("input[name=name]", "欧盟电池")
    page.check("input[name=sectors][value=EPNE]")
    page.fill("input[name=hs_prefixes]", "8507")
    page.fill("input[name=keywords]", "锂电池, battery")
    page.screenshot(path=screenshots / "exporter-subscription-form.png", full_page=True)
    page.click("form.form-grid button.primary")
    expect(page.locator("p.flash")).to_contain_text("订阅已保存")
    expect(page.locator("section.subscription")).to_contain_text("欧盟电池")
    expect(page.locator("section.subscription a", has_text="Atom")).to_have_attribute(
        "href", re.compile(r"^/feeds/.+\.atom$")
    )
    page.click("text=English")
    expect(page.locator("h1")).to_have_text("Subscriptions")
    page.screenshot(path=screenshots / "exporter-subscriptions-en.png", full_page=True)


def test_staff_triages_confirms_a_tag_and_moves_the_status(page, accounts, notifications, screenshots):
    sign_in(page, "staff")
    page.click("header nav >> text=评议工作台")
    first_row = page.locator("table.items tbody tr").first
    expect(first_row).to_contain_text("G/TBT/N/EU/1100")  # high urgency first
    page.screenshot(path=screenshots / "staff-triage.png", full_page=True)
    first_row.locator("a").first.click()
    page.check("input[name=sectors][value=EI]")
    page.click("text=保存领域")
    expect(page.locator("p.flash")).to_contain_text("领域已确认")
    expect(page.locator("ul.tag-list").first).to_contain_text("人工")
    page.select_option("select[name=status]", "triaged")
    page.fill("textarea[name=note]", "请电池专家评估")
    page.click("section.staff button.primary")
    expect(page.locator("p.flash")).to_contain_text("已保存")
    expect(page.locator("ul.notes")).to_contain_text("请电池专家评估")
    page.screenshot(path=screenshots / "staff-item.png", full_page=True)
    page.goto("/triage?status=triaged")
    expect(page.locator("table.items")).to_contain_text("G/TBT/N/EU/1100")


def test_embassy_submits_a_report_with_an_attachment(page, accounts, screenshots, tmp_path):
    pdf = tmp_path / "通报说明.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sign_in(page, "embassy")
    page.click("header nav >> text=市场信息报送")
    page.click("text=报送新信息")
    page.select_option("select[name=member_code]", "USA")
    page.fill("input[name=title]", "加州拟实施电池回收新规")
    page.fill("textarea[name=text]", "加州议会正在审议锂电池生产者责任延伸法案，预计明年生效。")
    page.fill("input[name=hs_codes]", "850760")
    page.set_input_files("input[name=attachments]", str(pdf))
    page.screenshot(path=screenshots / "embassy-form.png", full_page=True)
    page.click("button[value=submit]")
    expect(page.locator("p.flash")).to_contain_text("已提交审核")
    expect(page.locator("table.items")).to_contain_text("待审核")
    page.click("text=加州拟实施电池回收新规")
    expect(page.locator("a", has_text="通报说明.pdf")).to_be_visible()
    page.screenshot(path=screenshots / "embassy-report.png", full_page=True)


def test_admin_sees_sources_and_replays_a_dead_delivery(page, accounts, db_engine, screenshots):
    with session_scope(db_engine) as session:
        session.add(
            Source(
                name="wto_eping_latest",
                spider="wto_eping_latest",
                title="WTO ePing 最新通报",
                consecutive_failures=3,
                last_error="HTTP 503 Service Unavailable",
            )
        )
        subscription = Subscription(user_id=accounts["exporter"], email="x@example.org", token="t" * 32)
        session.add(subscription)
        session.flush()
        session.add(
            Delivery(
                subscription_id=subscription.id,
                channel="mailto:x@example.org",
                idempotency_key="k",
                status="dead",
                attempts=8,
                last_error="SMTP 550 refused",
            )
        )
    sign_in(page, "admin")
    page.click("header nav >> text=系统管理")
    expect(page.locator("table.items")).to_contain_text("HTTP 503")
    page.screenshot(path=screenshots / "admin-sources.png", full_page=True)
    page.click("nav.tabs >> text=推送失败")
    expect(page.locator("table.items")).to_contain_text("SMTP 550 refused")
    page.click("text=重新发送")
    expect(page.locator("p.flash")).to_contain_text("已重新排队发送")
    expect(page.locator("table.items")).to_contain_text("没有发送失败的消息")
    page.screenshot(path=screenshots / "admin-deliveries.png", full_page=True)
