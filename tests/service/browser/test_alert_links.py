"""In Chromium: unsubscribing from an alert e-mail's link without an account, and how an
alert e-mail's HTML looks."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from alerts.render import Entry, render_message
from store.models import Alert, Subscription
from store.queries.alerts import AlertItem
from tests.factories import subscribe

pytestmark = pytest.mark.browser


def test_unsubscribe_page_confirms_then_stops_the_subscription(page, live_server, db_engine, screenshots):
    sub_id = subscribe(db_engine)
    with Session(db_engine) as session:
        token = session.get(Subscription, sub_id).token
    page.goto(f"/unsubscribe/{token}")
    assert page.get_by_text("确定退订此订阅的全部预警吗？").is_visible()
    page.screenshot(path=screenshots / "alert_unsubscribe_confirm.png", full_page=True)
    page.get_by_role("button", name="确认退订").click()
    page.get_by_role("status").wait_for()
    assert "已退订" in page.get_by_role("status").inner_text()
    page.screenshot(path=screenshots / "alert_unsubscribe_done.png", full_page=True)
    with Session(db_engine) as session:
        assert not session.get(Subscription, sub_id).active


def test_alert_email_html(page, screenshots):
    today = date(2024, 5, 6)
    item = AlertItem(
        kind="notification",
        id=7,
        label="G/TBT/N/EU/1100",
        title="Radio equipment: cybersecurity",
        products="无线电设备 radio equipment",
        member_code="EU",
        committee="TBT",
        sectors={"EI": ["HS 8517 core", "phrase: radio equipment"]},
        hs=["85"],
        urgency="high",
        urgency_reasons=["comment deadline in 12 days"],
        comment_deadline=today + timedelta(days=12),
        description="<script>alert(1)</script> Draft act.",
        links=["https://docs.wto.org/x.pdf"],
    )
    alert = Alert(
        id=1,
        subscription_id=1,
        item_kind="notification",
        item_id=7,
        reason="match",
        why={"member": "EU", "via": ["DEU"], "sectors": {"EI": []}},
    )
    rendered = render_message(
        "alert",
        Subscription(id=1, token="tok", language="en"),
        [Entry(alert, item)],
        today=today,
        base_url="https://tbtwatch.test",
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
    page.set_content(rendered.html)
    assert (
        page.get_by_role("link", name="G/TBT/N/EU/1100").get_attribute("href")
        == "https://tbtwatch.test/items/notification/7"
    )
    assert page.get_by_text("12 days left").is_visible() and not dialogs
    page.screenshot(path=screenshots / "alert_email.png", full_page=True)
