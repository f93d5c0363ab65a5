"""The search page in real headless Chromium, in Chinese and English: a Chinese query finding
English notifications through the glossary (and the link that turns it off), the member
picker that filters as one types, several members at once, and a refused page number.
Screenshots go to the ``screenshots`` folder."""

import pytest
from playwright.sync_api import expect

from tests.factories import seed_notifications
from tests.service.browser.test_role_flows import sign_in
from tests.service.web_helpers import accounts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def notifications(db_engine, dev_records) -> list[int]:
    return seed_notifications(db_engine, dev_records)


def test_chinese_query_finds_english_notifications(page, accounts, notifications, screenshots):
    sign_in(page, "exporter")
    page.goto("/search?q=电池&lang=zh")
    expect(page.locator("p.also-searched")).to_contain_text("也搜索了：")
    expect(page.locator("p.also-searched")).to_contain_text("battery")
    expect(page.locator("table.items")).to_contain_text("G/TBT/N/SAU/1078")
    page.screenshot(path=screenshots / "search-zh-glossary.png", full_page=True)
    page.click("text=只搜原词")
    expect(page.locator("p.also-searched")).to_contain_text("只搜索了输入的词")
    expect(page.locator("body")).not_to_contain_text("G/TBT/N/SAU/1078")


def test_member_picker_several_members_and_a_refusal_in_english(page, accounts, notifications, screenshots):
    sign_in(page, "exporter")
    page.goto("/search?lang=en")
    picker = page.locator("details.picker").first
    picker.locator("summary").click()
    labels = picker.locator(".picker-options label")
    expect(labels.first).to_contain_text("European Union")  # major markets first (after the chosen ones)
    picker.locator("input.picker-filter").fill("keny")
    expect(picker.locator(".picker-options label:visible")).to_have_count(1)
    picker.locator("input[value=KEN]").check()
    picker.locator("input.picker-filter").fill("")
    picker.locator("input[value=UGA]").check()
    page.fill("input[name=q]", "milk")
    page.click("form.search-form button.primary")
    expect(page.locator("table.items")).to_contain_text("G/TBT/N/KEN/1229/Add.1")
    page.locator("details.picker summary").first.click()
    expect(page.locator("details.picker .picker-options label").first).to_contain_text("Kenya")  # chosen first
    page.screenshot(path=screenshots / "search-en-members.png", full_page=True)
    page.goto("/search?page=%C2%B2&lang=en")
    expect(page.locator("p.flash.error")).to_contain_text("page number")
    page.screenshot(path=screenshots / "search-en-refused.png", full_page=True)
