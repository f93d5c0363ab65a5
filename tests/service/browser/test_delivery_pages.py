"""Issue 10 in a real browser, in Chinese and English: HS chapters with their names on the
item page (guesses only for staff), following a notification from it, and the inbox listing
an item once for a person whose two subscriptions alerted it, with the reasons of each, within
1,280 px. Screenshots go to the ``screenshots`` folder."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from alerts.dispatch import match_new_items
from store.settings import get_settings
from tests.alerts.test_hs_decided import store_and_classify
from tests.factories import NOW, subscribe
from tests.service.browser.test_role_flows import sign_in
from tests.service.web_helpers import ROLE_EMAILS, accounts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_item_page_chapters_follow_and_a_merged_inbox(page, accounts, db_engine, screenshots):
    ids = store_and_classify(db_engine)
    for name, prefixes in (("电子产品", {"hs_prefixes": ["85"]}), ("欧美市场", {"members": ["USA"]})):
        subscribe(db_engine, name=name, email=ROLE_EMAILS["exporter"], user_id=accounts["exporter"], **prefixes)
    match_new_items(db_engine, get_settings(), now=NOW + timedelta(minutes=1))

    sign_in(page, "staff")
    page.goto(f"/items/notification/{ids['soybeans']}?lang=zh")
    expect(page.locator(".facts")).to_contain_text("12 油籽、子仁及工业或药用植物")
    expect(page.locator(".hs-guesses")).to_contain_text("23 食品工业残渣及配制的动物饲料 (0.1")
    page.screenshot(path=screenshots / "delivery-staff-item-zh.png", full_page=True)
    page.goto(f"/items/notification/{ids['soybeans']}?lang=en")
    expect(page.locator(".hs-guesses")).to_contain_text("23 Food industry residues and animal feed (0.1")
    page.screenshot(path=screenshots / "delivery-staff-item-en.png", full_page=True)
    page.context.clear_cookies()

    sign_in(page, "exporter")
    page.goto(f"/items/notification/{ids['chargers']}?lang=zh")
    expect(page.locator(".facts")).to_contain_text("85 电机、电气设备")
    expect(page.locator(".hs-guesses")).to_have_count(0)
    page.get_by_role("button", name="关注此通报").click()
    expect(page.locator(".thread-choice")).to_contain_text("您已关注此通报")
    page.screenshot(path=screenshots / "delivery-exporter-item-zh.png", full_page=True)
    page.goto(f"/items/notification/{ids['chargers']}?lang=en")
    expect(page.locator(".thread-choice")).to_contain_text("You follow this notification")
    page.screenshot(path=screenshots / "delivery-exporter-item-en.png", full_page=True)
    page.goto("/inbox?lang=zh")
    rows = page.locator("table.items tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("电子产品 / 欧美市场")
    reasons = rows.first.locator("ul.reasons li")
    expect(reasons).to_have_text(["订阅“电子产品”：HS编码: 85", "订阅“欧美市场”：市场: 美国 (USA)"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=screenshots / "delivery-inbox-zh.png", full_page=True)
    page.goto("/inbox?lang=en")
    expect(reasons).to_have_text(
        ["subscription “电子产品”: HS codes: 85", "subscription “欧美市场”: market: United States (USA)"]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=screenshots / "delivery-inbox-en.png", full_page=True)
