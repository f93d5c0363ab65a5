"""The first run in real Chromium: the home page a visitor meets (what tbtwatch is, the search
box, the latest items, how to get an account) and the first crawls an administrator follows,
in Chinese and English. Screenshots go to the ``screenshots`` folder."""

import pytest
from playwright.sync_api import expect

from store.db import session_scope
from store.models import CrawlRun
from store.models.types import utcnow
from store.queries.sources import seed_sources
from tests.factories import seed_notifications
from tests.service.browser.test_role_flows import sign_in
from tests.service.web_helpers import accounts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_a_visitor_reads_what_tbtwatch_is_and_searches(page, db_engine, dev_records, screenshots):
    seed_notifications(db_engine, dev_records, 30)
    page.goto("/")
    expect(page.locator("section.intro h1")).to_have_text("技术性贸易措施预警服务")
    expect(page.locator("section.intro")).to_contain_text("请联系管理员")
    expect(page.locator("table.items tbody tr")).to_have_count(30)
    page.screenshot(path=screenshots / "first_run_home_zh.png", full_page=True)
    page.fill("input[name=q]", "battery")
    page.press("input[name=q]", "Enter")
    expect(page.locator("h2").first).to_have_text("检索结果")
    page.goto("/?lang=en")
    expect(page.locator("section.intro h1")).to_have_text("Early warning of technical trade barriers")
    page.screenshot(path=screenshots / "first_run_home_en.png", full_page=True)


def test_an_administrator_follows_the_first_crawls(page, db_engine, accounts, screenshots):
    with session_scope(db_engine) as session:
        seed_sources(session)
        session.add(CrawlRun(source="wto_eping_latest", status="running", started_at=utcnow()))
    sign_in(page, "admin")
    page.goto("/")
    expect(page.locator("section.first-crawls")).to_contain_text("抓取中")
    page.screenshot(path=screenshots / "first_run_admin_zh.png", full_page=True)
    page.goto("/?lang=en")
    expect(page.locator("section.first-crawls")).to_contain_text("Running")
    page.screenshot(path=screenshots / "first_run_admin_en.png", full_page=True)
