"""An exporter's subscriptions and inbox: only their own, never another's."""

import re

from sqlmodel import Session, select

from store.db import session_scope
from store.models import Alert, Subscription
from tests.factories import seed_notifications
from tests.service.web_helpers import accounts, app, client_for, post_form  # noqa: F401 (fixtures)

FORM = {
    "name": "EU batteries",
    "email": "me@example.org",
    "sectors": ["EPNE"],
    "members": ["EU"],
    "hs_prefixes": "8507, 850760",
    "keywords": "锂电池, battery",
    "min_urgency": "low",
    "frequency": "daily",
    "deliver_at": "08:00",
    "timezone": "Asia/Shanghai",
    "language": "zh",
    "reminder_days": "14, 3",
    "kinds": ["notification"],
    "committees": ["TBT"],
}


def _subscriptions(engine) -> list[Subscription]:
    with Session(engine) as session:
        return list(session.exec(select(Subscription)))


def test_create_edit_pause_and_unsubscribe(app, accounts, db_engine):
    client = client_for(app, "exporter")
    created = post_form(client, "/subscriptions", FORM, page="/subscriptions/new")
    assert created.status_code == 303, created.text
    [subscription] = _subscriptions(db_engine)
    assert subscription.user_id == accounts["exporter"] and subscription.hs_prefixes == ["8507", "850760"]
    assert subscription.keywords == ["锂电池", "battery"] and subscription.members == ["EU"]
    listing = client.get("/subscriptions")
    assert "EU batteries" in listing.text and f"/feeds/{subscription.token}.atom" in listing.text
    assert f"/feeds/{subscription.token}.ics" in listing.text
    edit = post_form(
        client,
        f"/subscriptions/{subscription.id}",
        {**FORM, "name": "Batteries"},
        page=f"/subscriptions/{subscription.id}",
    )
    assert edit.status_code == 303 and _subscriptions(db_engine)[0].name == "Batteries"
    assert post_form(client, f"/subscriptions/{subscription.id}/pause").status_code == 303
    assert _subscriptions(db_engine)[0].active is False
    assert post_form(client, f"/subscriptions/{subscription.id}/delete").status_code == 303
    assert _subscriptions(db_engine) == []


def test_invalid_subscription_is_shown_again_with_the_reason(app, accounts, db_engine):
    client = client_for(app, "exporter")
    response = post_form(client, "/subscriptions", {**FORM, "hs_prefixes": "8", "name": "kept"})
    assert response.status_code == 400 and "HS" in response.text and 'value="kept"' in response.text
    assert _subscriptions(db_engine) == []


def test_weekday_of_weekly_digests(app, accounts, db_engine):
    client = client_for(app, "exporter")
    form = client.get("/subscriptions/new").text
    assert "每周汇总日" in form and '<option value="mon" selected>星期一</option>' in form
    post_form(client, "/subscriptions", {**FORM, "frequency": "weekly", "weekday": "thu"}, page="/subscriptions/new")
    [subscription] = _subscriptions(db_engine)
    assert subscription.weekday == "thu"
    assert '<option value="thu" selected>星期四</option>' in client.get(f"/subscriptions/{subscription.id}").text
    assert "每周汇总 · 星期四 · 08:00" in client.get("/subscriptions").text
    refused = post_form(client, f"/subscriptions/{subscription.id}", {**FORM, "weekday": "someday"})
    assert refused.status_code == 400 and "weekday" in refused.text
    assert _subscriptions(db_engine)[0].weekday == "thu"
    english = client.get(f"/subscriptions/{subscription.id}?lang=en").text
    assert "Weekly digest on" in english and '<option value="thu" selected>Thursday</option>' in english


def test_nobody_sees_or_changes_another_exporters_subscription(app, accounts, db_engine):
    owner = client_for(app, "exporter")
    post_form(owner, "/subscriptions", FORM)
    [subscription] = _subscriptions(db_engine)
    other = client_for(app, "exporter2")
    assert "EU batteries" not in other.get("/subscriptions").text
    assert other.get(f"/subscriptions/{subscription.id}").status_code == 404
    for action in ("", "/pause", "/delete"):
        assert post_form(other, f"/subscriptions/{subscription.id}{action}", FORM).status_code == 404
    assert _subscriptions(db_engine)[0].name == "EU batteries" and _subscriptions(db_engine)[0].active
    assert client_for(app, "embassy").get("/subscriptions").status_code == 403


def test_inbox_lists_own_alerts_and_dismisses(app, accounts, db_engine, dev_records):
    [item_id] = seed_notifications(db_engine, dev_records, 1)
    mine, theirs = client_for(app, "exporter"), client_for(app, "exporter2")
    post_form(mine, "/subscriptions", FORM)
    [subscription] = _subscriptions(db_engine)
    with session_scope(db_engine) as session:
        alert = Alert(subscription_id=subscription.id, item_kind="notification", item_id=item_id, reason="match")
        session.add(alert)
        session.flush()
        alert_id = alert.id
    assert dev_records[0]["symbol"] in mine.get("/inbox").text
    assert dev_records[0]["symbol"] not in theirs.get("/inbox").text
    assert post_form(theirs, f"/inbox/{alert_id}/dismiss").status_code == 404
    assert post_form(mine, f"/inbox/{alert_id}/dismiss").status_code == 303
    with Session(db_engine) as session:
        assert session.get(Alert, alert_id).dismissed_at is not None


def test_the_inbox_gives_the_reasons_of_every_subscription_that_matched(app, accounts, db_engine, settings):
    """Issue 10 §2: two subscriptions of one person match an item: one row, with the reasons
    of each in the words of the e-mail; an item one of them matched gives its reasons bare."""
    from alerts.dispatch import match_new_items
    from tests.factories import NOW, add_notification, subscribe

    mine = client_for(app, "exporter")
    subscribe(db_engine, name="电子产品", hs_prefixes=["85"], user_id=accounts["exporter"])
    subscribe(db_engine, name="欧美市场", members=["USA", "EU"], user_id=accounts["exporter"])
    add_notification(db_engine)
    add_notification(db_engine, symbol="G/TBT/N/JPN/900", member="JPN")
    assert match_new_items(db_engine, settings, now=NOW)["alerts"] == 3

    page = mine.get("/inbox?lang=zh").text
    both, one = re.findall(r'<td class="reasons">(.*?)</td>', page, re.DOTALL)[::-1]
    assert "<li>订阅“电子产品”：HS编码: 85</li><li>订阅“欧美市场”：市场: 美国 (USA)</li>" in both
    assert "<li>HS编码: 85</li>" in one and "订阅" not in one
    assert page.count("G/TBT/N/USA/2100") == 1 and "电子产品 / 欧美市场" in page
    english = mine.get("/inbox?lang=en").text
    assert "<li>subscription “电子产品”: HS codes: 85</li><li>subscription “欧美市场”: market:" in english


def test_inbox_rows_carry_feedback_links_and_show_the_judgement(app, accounts, db_engine, dev_records):
    import re

    [item_id] = seed_notifications(db_engine, dev_records, 1)
    mine = client_for(app, "exporter")
    post_form(mine, "/subscriptions", FORM)
    [subscription] = _subscriptions(db_engine)
    with session_scope(db_engine) as session:
        session.add(Alert(subscription_id=subscription.id, item_kind="notification", item_id=item_id, reason="match"))
    inbox = mine.get("/inbox?lang=zh").text
    [useful, _not_relevant] = re.findall(r'href="(/feedback/[\w.-]+)"', inbox)
    assert mine.post(useful).status_code == 200
    inbox = mine.get("/inbox").text
    assert '<span class="status ok">有用</span>' in inbox and len(re.findall(r'href="/feedback/', inbox)) == 1


def test_the_form_previews_its_selectors_before_saving(app, accounts, db_engine):
    from datetime import date, timedelta

    from tests.factories import add_notification

    for number in range(3):
        add_notification(
            db_engine,
            symbol=f"G/TBT/N/EU/{number + 1}",
            member="EU",
            distribution_date=date.today() - timedelta(days=5),
        )
    mine = client_for(app, "exporter")
    form = mine.get("/subscriptions/new").text
    assert 'data-preview="/subscriptions/preview"' in form and 'src="/static/subscription_preview.js"' in form
    assert "<script>" not in form
    page = post_form(
        mine,
        "/subscriptions/preview",
        {**FORM, "keywords": "", "hs_prefixes": "85", "sectors": ["EI"]},
        page="/subscriptions/new",
    )
    assert page.status_code == 200
    assert "过去 90 天将收到 3 条预警（约每周 0.2 条）" in page.text and "G/TBT/N/EU/2" in page.text
    assert 'value="85"' in page.text  # the form as typed
    bare = {
        key: value
        for key, value in FORM.items()
        if key not in ("sectors", "members", "hs_prefixes", "keywords", "kinds", "committees")
    }
    refused = post_form(mine, "/subscriptions/preview?lang=en", bare, page="/subscriptions/new")
    assert "Choose at least one selector" in refused.text
    assert _subscriptions(db_engine) == []  # nothing saved


def test_inbox_times_are_on_the_readers_clock(app, accounts, db_engine, dev_records):
    """The browser's zone (tz cookie) when it names one, else Asia/Shanghai in Chinese and UTC
    in English; each time names its zone."""
    from datetime import UTC, datetime

    [item_id] = seed_notifications(db_engine, dev_records, 1)
    client = client_for(app, "exporter")
    post_form(client, "/subscriptions", FORM)
    [subscription] = _subscriptions(db_engine)
    with session_scope(db_engine) as session:
        session.add(
            Alert(
                subscription_id=subscription.id,
                item_kind="notification",
                item_id=item_id,
                reason="match",
                created_at=datetime(2027, 1, 25, 23, 30, tzinfo=UTC),
            )
        )
    page = client.get("/inbox?lang=zh").text
    assert ">2027-01-26 07:30</time>" in page and "Asia/Shanghai (UTC+08:00)" in page and " UTC</td>" not in page
    assert ">2027-01-25 23:30</time>" in client.get("/inbox?lang=en").text
    client.cookies.set("tz", "Europe/Zurich")
    page = client.get("/inbox?lang=zh").text
    assert ">2027-01-26 00:30</time>" in page and "Europe/Zurich (UTC+01:00)" in page
    client.cookies.set("tz", "../../etc/passwd")
    assert ">2027-01-26 07:30</time>" in client.get("/inbox?lang=zh").text


def test_a_new_subscription_takes_the_browsers_zone(app, accounts):
    client = client_for(app, "exporter")
    client.cookies.set("tz", "America/Sao_Paulo")
    assert re.search(r'name="timezone"[^>]*value="America/Sao_Paulo"', client.get("/subscriptions/new").text)
