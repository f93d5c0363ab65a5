"""In Chromium, Chinese and English: the summary that opens an item page, a feedback link of an
alert followed without an account (its static script records the judgement, then a reason),
the subscription form's live preview, and the administrators' feedback figures."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from alerts.feedback import FeedbackLink, feedback_url
from store.db import session_scope
from store.models import Alert, AlertFeedback, Triage
from tests.factories import add_notification, subscribe
from tests.service.browser.test_role_flows import sign_in
from tests.service.web_helpers import accounts  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def smartphones(db_engine) -> int:
    item_id = add_notification(
        db_engine,
        symbol="G/TBT/N/EU/1042",
        member="EU",
        title="Draft Commission Regulation on ecodesign requirements for smartphones",
        description="The draft lays down ecodesign requirements for smartphones, mobile phones and slate tablets.",
        hs_codes=["851713"],
        objectives=["Protection of the environment", "Consumer information, labelling"],
        distribution_date=date.today() - timedelta(days=3),
        comment_deadline=date.today() + timedelta(days=50),
    )
    with session_scope(db_engine) as session:
        session.add(Triage(item_kind="notification", item_id=item_id, status="under_review"))
    return item_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_item_page_opens_with_the_summary(page, accounts, smartphones, screenshots, language):
    sign_in(page, "exporter")
    page.goto(f"/items/notification/{smartphones}?lang={language}")
    summary = page.locator("section.item-summary")
    expect(summary).to_be_visible()
    expected = "智能手机（HS 8517.13）" if language == "zh" else "smartphones for cellular"
    expect(summary.locator("dd.summary-products")).to_contain_text(expected)
    assert summary.bounding_box()["y"] < 400  # near the top, before the tables
    page.screenshot(path=screenshots / f"item_summary_{language}.png", full_page=False)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_feedback_link_records_on_one_click_then_takes_a_reason(
    page, live_server, settings, db_engine, smartphones, screenshots, language
):
    subscription = subscribe(db_engine, sectors=["EI"], language=language)
    link = FeedbackLink(subscription, "notification", smartphones, "not_relevant", f"browser-{language}")
    url = feedback_url(live_server, settings.secret_key, link) + f"?lang={language}"
    page.goto(url)
    recorded = "已记录：此预警与您无关" if language == "zh" else "Recorded: this alert was not relevant"
    expect(page.get_by_role("status")).to_contain_text(recorded)  # the script sent the form at once
    page.screenshot(path=screenshots / f"feedback_recorded_{language}.png", full_page=True)
    page.get_by_label("产品不对" if language == "zh" else "Wrong product").check()
    page.locator("section.feedback button").click()
    expect(page.locator("section.feedback")).to_contain_text("原因已记录" if language == "zh" else "Reason recorded")
    with Session(db_engine) as session:
        judged = session.exec(select(AlertFeedback)).one()
    assert (judged.verdict, judged.reason) == ("not_relevant", "wrong_product")
    page.goto(url)  # the link again: a replay changes nothing and says so
    expect(page.get_by_role("alert")).to_contain_text("已经使用过" if language == "zh" else "already used")
    page.screenshot(path=screenshots / f"feedback_replayed_{language}.png", full_page=True)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_subscription_form_previews_as_selectors_change(page, accounts, smartphones, screenshots, language):
    sign_in(page, "exporter")
    page.goto(f"/subscriptions/new?lang={language}")
    refused = "请至少选择一个条件" if language == "zh" else "Choose at least one selector"
    expect(page.locator("#preview")).to_contain_text(refused)
    page.fill("input[name=hs_prefixes]", "8517")
    expected = "过去 90 天将收到 1 条预警" if language == "zh" else "Alerts over the last 90 days: 1"
    expect(page.locator("#preview")).to_contain_text(expected)
    expect(page.locator("#preview")).to_contain_text("G/TBT/N/EU/1042")
    page.screenshot(path=screenshots / f"subscription_preview_{language}.png", full_page=True)
    page.fill("input[name=hs_prefixes]", "0401")
    expect(page.locator("#preview")).to_contain_text("没有符合" if language == "zh" else "Nothing matched")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_admin_sees_judgements_per_sector(page, accounts, db_engine, smartphones, screenshots, language):
    subscription = subscribe(db_engine, sectors=["EI"])
    with session_scope(db_engine) as session:
        session.add(Alert(subscription_id=subscription, item_kind="notification", item_id=smartphones, reason="match"))
        session.add(
            AlertFeedback(
                subscription_id=subscription,
                item_kind="notification",
                item_id=smartphones,
                verdict="useful",
                sectors=["EI"],
                link_nonce="n",
            )
        )
    sign_in(page, "admin")
    page.goto(f"/admin/feedback?lang={language}")
    expect(page.locator("table.feedback-figures")).to_contain_text("100 %")
    page.screenshot(path=screenshots / f"admin_feedback_{language}.png", full_page=True)
