"""Full-text search with filters, in Chinese and English, on both databases."""

from datetime import UTC, date, datetime

import pytest

from store.models import IntelligenceReport, NotificationCreate, SectorTag, StandardsChange
from store.queries.notifications import upsert_notification
from store.queries.search import SearchQuery, search, terms


def _notify(session, symbol, **fields):
    fields.setdefault("member_name", None)
    return upsert_notification(
        session,
        notification=NotificationCreate(symbol=symbol, base_symbol="", committee="TBT", **fields),
        source="test",
    ).row


@pytest.fixture
def corpus(session):
    rows = {
        "battery": _notify(
            session,
            "G/TBT/N/CHN/1800",
            member_code="CHN",
            title="锂电池安全技术规范",
            description="Safety requirements for lithium batteries 锂离子电池",
            distribution_date=date(2024, 3, 1),
            comment_deadline=date(2024, 5, 1),
            hs_codes=["850760"],
            ics_codes=["29.220.20"],
        ),
        "toys": _notify(
            session,
            "G/TBT/N/USA/2100",
            member_code="USA",
            title="Safety of toys",
            description="Children's toys with button batteries",
            products_text="Toys",
            distribution_date=date(2024, 4, 1),
            comment_deadline=date(2024, 6, 1),
            hs_codes=["950300"],
            ics_codes=["97.200.50"],
        ),
        "food": _notify(
            session,
            "G/SPS/N/KEN/300",
            member_code="KEN",
            title="食品添加剂 food additives",
            distribution_date=date(2023, 1, 10),
            hs_codes=["2106"],
            joint_symbols=["G/SPS/N/KEN/300", "G/SPS/N/UGA/200"],
        ),
    }
    change = StandardsChange(
        source="iso",
        external_id="1",
        kind="new",
        body="ISO",
        reference="ISO 12405-4",
        title="Electrically propelled road vehicles — lithium-ion traction battery",
        committee="ISO/TC 22",
        ics_codes=["43.120"],
        published_date=date(2024, 2, 1),
    )
    draft = IntelligenceReport(member_code="JPN", title="电池回收新规 draft", text="草稿", status="draft")
    published = IntelligenceReport(
        member_code="JPN",
        title="日本电池回收新规",
        text="关于锂电池回收的规定",
        hs_codes=["8507"],
        status="published",
        published_at=datetime(2024, 3, 5, tzinfo=UTC),
    )
    session.add_all([change, draft, published])
    session.flush()
    session.add(
        SectorTag(item_kind="notification", item_id=rows["toys"].id, sector="EI", origin="rule", edition="2003")
    )
    session.add(
        SectorTag(item_kind="notification", item_id=rows["battery"].id, sector="EI", origin="model", edition="2003")
    )
    session.add(
        SectorTag(item_kind="notification", item_id=rows["battery"].id, sector="NE", origin="human", edition="2003")
    )
    session.commit()
    rows.update(change=change, published=published, draft=draft)
    return rows


def found(session, **kwargs):
    return {(hit.kind, hit.id) for hit in search(session, SearchQuery(**kwargs)).items}


def key(row):
    kind = {"Notification": "notification", "StandardsChange": "change"}.get(type(row).__name__, "intelligence")
    return (kind, row.id)


def test_terms_split_at_spaces_and_script_edges():
    assert terms("USB接口 安全  Lithium") == ["usb", "接口", "安全", "lithium"]


def test_chinese_queries(session, corpus):
    assert found(session, q="锂电池") == {key(corpus["battery"]), key(corpus["published"])}
    assert found(session, q="电池") == {key(corpus["battery"]), key(corpus["published"])}
    assert found(session, q="锂离子电池") == {key(corpus["battery"])}
    assert found(session, q="食品") == {key(corpus["food"])}
    assert found(session, q="电池 回收") == {key(corpus["published"])}
    assert found(session, q="池锂") == set()  # characters in the wrong order


def test_english_queries(session, corpus):
    assert found(session, q="toys") == {key(corpus["toys"])}
    assert found(session, q="Safety") == {key(corpus["battery"]), key(corpus["toys"])}
    assert found(session, q="lithium battery") == {key(corpus["change"])}
    assert found(session, q="food 添加剂") == {key(corpus["food"])}
    assert found(session, q="G/TBT/N/USA/2100") == {key(corpus["toys"])}
    assert found(session, q="nothing-like-this") == set()


def test_filters(session, corpus):
    assert found(session, committee="SPS") == {key(corpus["food"])}
    assert found(session, member="UGA") == {key(corpus["food"])}  # a joint notification
    assert found(session, member="jpn") == {key(corpus["published"])}  # never the draft
    assert found(session, hs="8507") == {key(corpus["battery"]), key(corpus["published"])}
    assert found(session, hs="85.07.60") == {key(corpus["battery"])}
    assert found(session, ics="29.220") == {key(corpus["battery"])}
    assert found(session, sector="EI") == {key(corpus["toys"])}  # the human tag overrides
    assert found(session, sector="NE") == {key(corpus["battery"])}
    assert found(session, date_from=date(2024, 3, 1), date_to=date(2024, 3, 31)) == {
        key(corpus["battery"]),
        key(corpus["published"]),
    }
    assert found(session, open_on=date(2024, 4, 15)) == {key(corpus["battery"]), key(corpus["toys"])}
    assert found(session, kinds=("change",)) == {key(corpus["change"])}
    assert found(session, q="电池", kinds=("notification",), member="CHN", hs="85") == {key(corpus["battery"])}


def test_sorting_and_pages(session, corpus):
    page = search(session, SearchQuery(page_size=2))
    assert page.total == 5 and [h.id for h in page.items] == [corpus["toys"].id, corpus["published"].id]
    second = search(session, SearchQuery(page_size=2, page=2)).items
    assert [h.kind for h in second] == ["notification", "change"]
    deadlines = search(session, SearchQuery(sort="deadline")).items
    assert deadlines[0].id == corpus["battery"].id
    ranked = search(session, SearchQuery(q="safety", sort="relevance")).items
    assert ranked[0].id == corpus["toys"].id and ranked[0].score >= ranked[1].score


def test_index_follows_updates_and_deletes(session, corpus):
    toys = corpus["toys"]
    toys.title = "Safety of dolls"
    session.add(toys)
    session.commit()
    assert found(session, q="dolls") == {key(toys)}
    assert found(session, q="toys") == {key(toys)}  # still in the description
    session.delete(corpus["food"])
    session.commit()
    assert found(session, q="食品") == set()
    draft = corpus["draft"]
    draft.status, draft.published_at = "published", datetime(2024, 6, 1, tzinfo=UTC)
    session.add(draft)
    session.commit()
    assert key(draft) in found(session, q="回收新规")


def test_total_is_counted_up_to_a_limit(session, corpus, monkeypatch):
    monkeypatch.setattr("store.queries.search.COUNT_LIMIT", 2)
    capped = search(session, SearchQuery(page_size=1))
    assert (capped.total, capped.total_capped, len(capped.items)) == (2, True, 1)
    last = search(session, SearchQuery(page_size=2, page=3))  # a short page knows the total
    assert (last.total, last.total_capped, len(last.items)) == (5, False, 1)
    assert search(session, SearchQuery(page_size=10)).total == 5
    assert search(session, SearchQuery(page_size=1, page=4)).total == 4  # at least what was shown


@pytest.mark.parametrize("sort", ["date", "deadline", "oldest", "relevance"])
def test_a_short_probe_finds_the_same_page(session, corpus, monkeypatch, sort):
    """PostgreSQL looks for a page among the first rows in order first, then everywhere."""
    query = SearchQuery(q="safety" if sort == "relevance" else "", sort=sort, page_size=1, page=2)
    expected = search(session, query)
    monkeypatch.setattr("store.queries.search.PROBE_FACTOR", 1)  # the first 2 rows of each table
    assert search(session, query) == expected
