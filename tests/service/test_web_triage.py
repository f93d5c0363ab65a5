"""Staff triage: the queue most urgent first, confirming tags as human tags, the status
workflow with notes and comments, bulk actions, the daily bulletin; all audited."""

import re
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from store.db import session_scope
from store.models import AuditEntry, NotificationCreate, SectorTag, Triage, TriageNote
from store.queries.notifications import upsert_notification
from tests.factories import tag_item
from tests.service.web_helpers import accounts, app, client_for, post_form  # noqa: F401 (fixtures)


@pytest.fixture
def items(db_engine) -> dict[str, int]:
    """Three notifications: low, high and medium urgency."""
    ids = {}
    with session_scope(db_engine) as session:
        for n, urgency in enumerate(("low", "high", "medium")):
            stored = upsert_notification(
                session,
                notification=NotificationCreate(
                    symbol=f"G/TBT/N/CHN/{1000 + n}",
                    committee="TBT",
                    member_name="China",
                    distribution_date=date.today(),
                    comment_deadline=date.today() + timedelta(days=20 + n),
                    title=f"Item {urgency}",
                ),
                source="test",
            )
            ids[urgency] = stored.row.id
            rule = {"sector": "EI", "origin": "rule", "score": 0.8, "reasons": ["phrase: mobile phone"]}
            tag_item(session, "notification", stored.row.id, [rule], urgency=urgency)
    return ids


def _audit(engine) -> list[str]:
    with Session(engine) as session:
        return [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


@pytest.mark.parametrize("role", ["exporter", "embassy"])
def test_only_staff_and_admin_triage(app, accounts, items, role):
    client = client_for(app, role)
    for path in ("/triage", "/bulletin"):
        assert client.get(path).status_code == 403
    assert post_form(client, f"/triage/notification/{items['low']}", {"status": "closed"}).status_code == 403
    assert client_for(app, "admin").get("/triage").status_code == 200


def test_queue_is_most_urgent_first(app, accounts, items):
    page = client_for(app, "staff").get("/triage").text
    assert page.index("Item high") < page.index("Item medium") < page.index("Item low")


def test_status_workflow_with_note_and_comment(app, accounts, items, db_engine):
    client = client_for(app, "staff")
    item = items["high"]
    page = f"/items/notification/{item}"

    def move(status: str, **fields):
        return post_form(client, page.replace("/items/", "/triage/"), {"status": status, **fields}, page=page)

    response = move("triaged", assignee_id=str(accounts["staff"]), note="Called the enquiry point")
    assert response.status_code == 303
    assert move("comment_sent").status_code == 409  # not straight from triaged
    for status in ("under_review", "comment_drafted"):
        assert move(status, assignee_id=str(accounts["staff"])).status_code == 303
    assert (
        move(
            "comment_sent",
            assignee_id=str(accounts["staff"]),
            comment_text="Please align with IEC 62368",
            comment_sent_on="2024-05-01",
        ).status_code
        == 303
    )
    with Session(db_engine) as session:
        triage = session.get(Triage, ("notification", item))
        assert (triage.status, triage.assignee_id, triage.comment_sent_on) == (
            "comment_sent",
            accounts["staff"],
            date(2024, 5, 1),
        )
        assert [n.text for n in session.exec(select(TriageNote))] == ["Called the enquiry point"]
    assert _audit(db_engine) == ["triage.update"] * 4
    assert "Item high" not in client.get("/triage").text
    assert "Item high" in client.get("/triage?status=comment_sent").text
    text = client.get(page).text
    assert "Called the enquiry point" in text and "Please align with IEC 62368" in text
    assert 'value="closed"' in text and 'value="triaged"' not in text  # only the allowed next steps
    assert move("bogus").status_code == 400
    assert post_form(client, "/triage/notification/99999", {"status": "closed"}).status_code == 404


def test_confirming_tags_stores_human_tags(app, accounts, items, db_engine):
    client = client_for(app, "staff")
    item = items["low"]
    response = post_form(
        client, f"/triage/notification/{item}/tags", {"sectors": ["OME", "NM"]}, page=f"/items/notification/{item}"
    )
    assert response.status_code == 303
    with Session(db_engine) as session:
        human = session.exec(select(SectorTag).where(SectorTag.origin == "human", SectorTag.item_id == item)).all()
    assert sorted(t.sector for t in human if t.decided) == ["NM", "OME"]
    assert any(t.sector == "EI" and not t.decided for t in human)
    assert _audit(db_engine) == ["tags.confirm"]
    assert post_form(client, f"/triage/notification/{item}/tags", {"sectors": ["XX"]}).status_code == 400


def test_page_and_api_confirm_sectors_alike(app, accounts, items, db_engine):
    """The page's form and the API's PUT are one use case: the same human tags, the same audit
    entry, the same refusal (in Chinese on the page, in English in the API)."""
    client = client_for(app, "staff")
    page, api = items["low"], items["high"]
    post_form(
        client, f"/triage/notification/{page}/tags", {"sectors": ["OME", "NM"]}, page=f"/items/notification/{page}"
    )
    answer = client.put(f"/api/v1/triage/notification/{api}/tags", json={"sectors": ["NM", "OME", "NM"]})
    assert answer.status_code == 200 and answer.json() == ["NM", "OME"]

    def stored(item_id):
        with Session(db_engine) as session:
            tags = session.exec(
                select(SectorTag).where(SectorTag.item_id == item_id).order_by(SectorTag.sector, SectorTag.origin)
            )
            audit = session.exec(select(AuditEntry).where(AuditEntry.target_id == item_id)).one()
            return [(t.sector, t.origin, t.decided, t.score, t.edition, t.author_id) for t in tags], audit.details

    assert stored(page) == stored(api)
    assert stored(page)[1] == {"sectors": ["NM", "OME"], "edition": "2003"}
    refused = post_form(client, f"/triage/notification/{page}/tags", {"sectors": ["XX"]})
    assert refused.status_code == 400 and "未知的领域代码：XX" in refused.text
    refused = client.put(f"/api/v1/triage/notification/{api}/tags", json={"sectors": ["XX"]})
    assert refused.status_code == 422 and "Unknown sector code: XX" in refused.json()["detail"]
    assert stored(page) == stored(api)  # nothing changed by either refusal


def test_bulk_actions(app, accounts, items, db_engine):
    client = client_for(app, "staff")
    chosen = [f"notification:{items['low']}", f"notification:{items['medium']}"]
    response = post_form(client, "/triage/bulk", {"items": chosen, "status": "no_action"}, page="/triage")
    assert response.status_code == 303
    with Session(db_engine) as session:
        statuses = {t.item_id: t.status for t in session.exec(select(Triage))}
    assert statuses == {items["low"]: "no_action", items["medium"]: "no_action"}
    assert _audit(db_engine) == ["triage.update", "triage.update"]
    partial = post_form(
        client,
        "/triage/bulk",
        {"items": [*chosen, f"notification:{items['high']}"], "status": "triaged"},
        page="/triage",
    )
    assert "bulk_partial" not in partial.headers["location"]  # no_action → triaged and new → triaged
    refused = post_form(client, "/triage/bulk", {"items": chosen, "status": "closed"}, page="/triage")
    assert refused.headers["location"].endswith("done=bulk_partial")
    assert post_form(client, "/triage/bulk", {"items": ["nothing:1"], "status": "closed"}).status_code == 400
    # nothing chosen, or nothing to do: said so, not "bulk action done"
    for data in ({"status": "closed"}, {"items": chosen}):
        nothing = post_form(client, "/triage/bulk", data, page="/triage")
        assert nothing.headers["location"].endswith("done=bulk_nothing")
        assert "请先选择" in client.get(nothing.headers["location"]).text


def test_bulletin_groups_todays_items_by_sector_and_sends(app, accounts, items, db_engine):
    client = client_for(app, "staff")
    page = client.get("/bulletin")
    assert page.status_code == 200 and "电子与信息" in page.text and "Item high" in page.text
    assert "Item high" not in client.get(f"/bulletin?day={date.today() - timedelta(days=3)}").text
    sent = post_form(client, "/bulletin/send", page="/bulletin")
    # no daily-digest subscriber here: the page says nothing went out rather than "queued"
    assert sent.status_code == 303 and sent.headers["location"].endswith("done=bulletin_nobody")
    assert _audit(db_engine) == ["bulletin.send"]


def test_queue_pages_past_100_with_counts_status_and_assignee(app, accounts, db_engine):
    """105 new items: two pages of the queue with the count; each row says its status and
    expert; a bulk assignment goes to another member of staff; notes name their author."""
    with session_scope(db_engine) as session:
        ids = [
            upsert_notification(
                session,
                notification=NotificationCreate(
                    symbol=f"G/TBT/N/KOR/{2000 + n}", committee="TBT", member_name="Korea", title=f"Paged {n}"
                ),
                source="test",
            ).row.id
            for n in range(105)
        ]
    client = client_for(app, "staff")
    first = client.get("/triage?status=new&lang=en")
    assert first.status_code == 200
    assert first.text.count('name="items"') == 100
    assert "Items 1–100 of 105" in first.text and "Page 1 of 2" in first.text
    assert 'class="assignee">—' in first.text
    second = client.get("/triage?status=new&page=2&lang=zh")
    assert second.text.count('name="items"') == 5
    assert "第 101–105 项，共 105 项" in second.text
    assert client.get("/triage?status=new&page=abc").status_code == 200  # an unreadable page is the first
    # anyone on the staff, not only oneself, can be given items in bulk
    assert f'<option value="{accounts["admin"]}">' in first.text
    chosen = [f"notification:{ids[0]}", f"notification:{ids[1]}"]
    done = post_form(client, "/triage/bulk", {"items": chosen, "assignee_id": str(accounts["admin"])}, page="/triage")
    assert done.headers["location"].endswith("done=bulk_saved")
    with Session(db_engine) as session:
        assert {t.assignee_id for t in session.exec(select(Triage))} == {accounts["admin"]}
        session.add(TriageNote(item_kind="notification", item_id=ids[0], author_id=accounts["admin"], text="看过了"))
        session.commit()
    page = client.get(f"/items/notification/{ids[0]}?lang=en").text
    assert "看过了" in page, page[page.find("<main") :][:3000]
    assert re.search(r"class=\"note-author\">[^<]*admin", page, re.I)


def test_bulletin_lists_news_once_and_leaves_history_out(app, accounts, items, db_engine):
    """First seen today: a 1995 notification (a back catalogue, left out and counted) and a
    notification of two sectors (listed once)."""
    with session_scope(db_engine) as session:
        old = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/USA/1",
                committee="TBT",
                member_name="United States",
                title="Old 1995",
                distribution_date=date(1995, 3, 1),
            ),
            source="test",
        ).row.id
        both = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/JPN/900",
                committee="TBT",
                member_name="Japan",
                title="Two sectors",
                distribution_date=date.today(),
            ),
            source="test",
        ).row.id
        for item_id, codes in ((old, ["EI"]), (both, ["EI", "NM"])):
            tag_item(session, "notification", item_id, [{"sector": code, "origin": "model"} for code in codes])
    client = client_for(app, "staff")
    page = client.get("/bulletin?lang=en").text
    assert "Old 1995" not in page and "1 older items first seen that day" in page
    assert page.count("Two sectors") == 1 and "Item high" in page
    assert "1 条旧信息" in client.get("/bulletin?lang=zh").text


def test_the_sector_form_offers_the_sectors_of_the_items_edition(app, accounts, items, db_engine, monkeypatch):
    """An item classified after another edition than the current one: the page offers that
    edition's sectors, and what it offers is accepted."""
    import dataclasses

    from nlp.catalogue import load_edition, registry

    current = load_edition()
    quantum = dataclasses.replace(current.sectors[0], code="QT", name_zh="量子技术", name_en="Quantum technology")
    later = dataclasses.replace(current, edition="2030", sectors=(*current.sectors[:-1], quantum))
    monkeypatch.setitem(registry._registered, "2030", later)
    item = items["medium"]
    with session_scope(db_engine) as session:
        tag_item(session, "notification", item, [{"sector": "QT", "origin": "model"}], edition="2030")
    client = client_for(app, "staff")
    page = client.get(f"/items/notification/{item}").text
    offered = re.findall(r'name="sectors" value="(\w+)"', page)
    assert offered == [s.code for s in later.sectors] and "量子技术" in page
    response = post_form(
        client, f"/triage/notification/{item}/tags", {"sectors": ["QT"]}, page=f"/items/notification/{item}"
    )
    assert response.status_code == 303
