"""One rule for HS chapters: a guessed chapter counts only when decided, codes the item gives
always count, and matching, search, the item page, e-mails and the API agree (the soybean
case of issue 10). Items are stored and classified through the real write paths and the
shipped classifier; e-mails go to a real SMTP server."""

import re
from datetime import timedelta

from sqlmodel import Session

from alerts.dispatch import dispatch
from service.jobs.classify import classify_items
from store.db import session_scope
from store.models import NotificationCreate
from store.queries.hs import decided_hs, hs_tags_by_item
from store.queries.notifications import upsert_notification
from store.queries.search import SearchQuery, search
from tests.factories import NOW, TODAY, clock, subscribe
from tests.service.web_helpers import accounts, app, client_for  # noqa: F401 (fixtures)

SOYBEANS = {
    "symbol": "G/SPS/N/BRA/2301",
    "committee": "SPS",
    "member_code": "BRA",
    "title": "Glyphosate maximum residue limits in soybeans",
    "description": "Draft resolution setting the maximum residue limit of the active ingredient glyphosate "
    "in soybean grains.",
    "products_text": "Soybeans (HS 1201)",
    "hs_codes": ["1201"],
}
CHARGERS = {
    "symbol": "G/TBT/N/USA/2302",
    "committee": "TBT",
    "member_code": "USA",
    "title": "Battery chargers for mobile phones: energy efficiency and safety requirements",
    "description": "The draft regulation sets energy efficiency and electrical safety requirements for external "
    "battery chargers and power supplies of mobile phones.",
    "products_text": "Battery chargers",
}


def store_and_classify(engine) -> dict[str, int]:
    ids = {}
    with session_scope(engine) as session:
        for name, fields in (("soybeans", SOYBEANS), ("chargers", CHARGERS)):
            notification = NotificationCreate(
                **fields,
                base_symbol=fields["symbol"],
                language="en",
                distribution_date=TODAY - timedelta(days=1),
                comment_deadline=TODAY + timedelta(days=60),
            )
            stored = upsert_notification(session, notification=notification, source="import", external_id=name)
            stored.row.first_seen_at = NOW - timedelta(hours=1)
            ids[name] = stored.row.id
    classify_items(engine, today=TODAY)
    return ids


def test_a_low_guess_does_not_count_and_a_decided_one_does_everywhere(db_engine, alert_settings, mailbox):
    ids = store_and_classify(db_engine)
    with Session(db_engine) as session:
        soy_tags = hs_tags_by_item(session, item_kind="notification", item_ids=[ids["soybeans"]])[ids["soybeans"]]
        charger_tags = hs_tags_by_item(session, item_kind="notification", item_ids=[ids["chargers"]])[ids["chargers"]]
    # the soybeans' given code counts; the model's guesses are kept, undecided
    assert decided_hs(soy_tags) == ["1201"]
    assert any(len(t.code) == 2 and not t.decided for t in soy_tags)
    assert decided_hs(charger_tags) == ["85"]

    subscribe(db_engine, name="电子产品", hs_prefixes=["85"], language="zh")
    dispatch(db_engine, alert_settings, clock=clock())
    assert len(mailbox.messages) == 1  # the chargers, not the soybeans
    mail = mailbox.messages[0]
    assert "G/TBT/N/USA/2302" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "HS章: 85 电机、电气设备" in text

    with Session(db_engine) as session:
        for prefix, expected in (("85", {ids["chargers"]}), ("8504", {ids["chargers"]}), ("12", {ids["soybeans"]})):
            found = {hit.id for hit in search(session, SearchQuery(hs=prefix)).items}
            assert found == expected, prefix


def test_the_item_page_names_decided_chapters_and_shows_guesses_to_staff_only(db_engine, app, accounts):
    ids = store_and_classify(db_engine)
    exporter, staff = client_for(app, "exporter"), client_for(app, "staff")
    chargers = exporter.get(f"/items/notification/{ids['chargers']}?lang=zh").text
    assert "85 电机、电气设备" in chargers
    assert "85 Electrical machinery" in exporter.get(f"/items/notification/{ids['chargers']}?lang=en").text
    soybeans = exporter.get(f"/items/notification/{ids['soybeans']}?lang=en").text
    assert "12 Oil seeds" in soybeans and "85 Electrical" not in soybeans
    as_staff = staff.get(f"/items/notification/{ids['soybeans']}?lang=en").text
    assert "HS chapter guesses not used" in as_staff
    assert re.search(r"23 Food industry residues and animal feed \(0\.\d+\)", as_staff)
    api = exporter.get(f"/api/v1/notifications/{ids['soybeans']}").json()
    assert api["classification"]["hs_codes"] == ["1201"]
    assert [c["chapter"] for c in api["classification"]["hs_chapters"]] == ["12"]
