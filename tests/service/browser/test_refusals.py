"""Refusals as a person meets them in Chromium, in Chinese and in English: the subscription
form, the intelligence form and the triage panel come back as typed with the reason in the
page's language. Screenshots go to the ``screenshots`` folder."""

import pytest
from playwright.sync_api import expect

from tests.factories import seed_notifications
from tests.service.browser.test_role_flows import sign_in
from tests.service.web_helpers import accounts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
WORDS = {
    "subscription": {"zh": "以下不是：abc", "en": "these are not: abc"},
    "reminders": {"zh": "以下不是：seven、-3", "en": "these are not: seven, -3"},
    "intelligence": {"zh": "请填写“标题”", "en": "“Title” may not be empty"},
    "triage": {"zh": "处于“新到”的信息只能转为", "en": "An item that is “New” may move to"},
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_forms_come_back_as_typed_with_the_reason(page, accounts, db_engine, dev_records, screenshots, language):
    [item_id] = seed_notifications(db_engine, dev_records, 1)
    sign_in(page, "exporter")
    page.goto(f"/subscriptions/new?lang={language}")
    page.fill("input[name=name]", "电池 batteries")
    page.fill("input[name=hs_prefixes]", "abc, 8517")
    page.click("form.form-grid button.primary")
    expect(page.locator("#form-error")).to_contain_text(WORDS["subscription"][language])
    expect(page.locator("input[name=hs_prefixes]")).to_have_value("abc, 8517")
    expect(page.locator("input[name=name]")).to_have_value("电池 batteries")
    page.screenshot(path=screenshots / f"refusal-subscription-{language}.png", full_page=True)
    page.fill("input[name=hs_prefixes]", "8517")
    page.fill("input[name=reminder_days]", "seven, -3")
    page.click("form.form-grid button.primary")
    expect(page.locator("#form-error")).to_contain_text(WORDS["reminders"][language])

    page.context.clear_cookies()
    sign_in(page, "embassy")
    page.goto(f"/intelligence/new?lang={language}")
    page.fill("textarea[name=text]", "只写了正文 text only")
    page.click("button[value=submit]")
    expect(page.locator("#form-error")).to_contain_text(WORDS["intelligence"][language])
    expect(page.locator("textarea[name=text]")).to_have_value("只写了正文 text only")
    page.screenshot(path=screenshots / f"refusal-intelligence-{language}.png", full_page=True)

    page.context.clear_cookies()
    sign_in(page, "staff")
    page.goto(f"/items/notification/{item_id}?lang={language}")
    page.fill("textarea[name=note]", "先记下 a note")
    page.select_option("#triage-form select[name=status]", "no_action")
    page.evaluate(
        "document.querySelector('#triage-form select[name=status]').add(new Option('x', 'comment_sent', true, true))"
    )
    page.click("#triage-form button.primary")
    expect(page.locator("#triage-form .flash.error")).to_contain_text(WORDS["triage"][language])
    expect(page.locator("#triage-form textarea[name=note]")).to_have_value("先记下 a note")
    page.locator("#triage-form").screenshot(path=screenshots / f"refusal-triage-{language}.png")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_addresses_a_page_cannot_read_are_pages(page, accounts, screenshots, language):
    sign_in(page, "staff")
    words = {"zh": ("不存在", "不是有效的日期"), "en": ("does not exist", "is not a date")}[language]
    answer = page.goto(f"/items/notification/abc?lang={language}")
    assert answer is not None and answer.status == 404
    expect(page.locator("main")).to_contain_text(words[0])
    page.screenshot(path=screenshots / f"refusal-404-{language}.png", full_page=True)
    answer = page.goto(f"/bulletin?day=2026-99-99&lang={language}")
    assert answer is not None and answer.status == 400
    expect(page.locator(".flash.error")).to_contain_text(words[1])
    page.screenshot(path=screenshots / f"refusal-bulletin-{language}.png")
