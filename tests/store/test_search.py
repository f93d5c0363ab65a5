"""Full-text search with filters, in Chinese and English, on both databases."""

from datetime import UTC, date, datetime

import pytest

from store.models import IntelligenceReport, NotificationCreate, StandardsChange
from store.queries.notifications import upsert_notification
from store.queries.search import SearchQuery, search
from store.search_index import fts_key
from store.search_syntax import parse
from tests.factories import tag_item


@pytest.fixture(autouse=True, params=["statements", "kept sets"])
def answered_by(request, monkeypatch):
    """Each test runs twice: answered by the statements, and by the sets of matching items a
    process keeps once the database has settled (store.queries.search_sets)."""
    settle = 0.0 if request.param == "kept sets" else float("inf")
    monkeypatch.setattr("store.queries.search_sets.SETTLE_SECONDS", settle)


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
    # classified as the job stores it, the codes each item gives kept as its HS tags; staff
    # then correct the battery's model EI to EPNE
    for name, tags in (
        ("toys", [{"sector": "EI", "origin": "rule"}]),
        ("battery", [{"sector": "EI", "origin": "model"}, {"sector": "EPNE", "origin": "human"}]),
    ):
        given = [{"code": code, "score": 1.0, "decided": True, "origin": "given"} for code in rows[name].hs_codes]
        tag_item(session, "notification", rows[name].id, tags, hs_tags=given)
    session.commit()
    rows.update(change=change, published=published, draft=draft)
    return rows


def found(session, **kwargs):
    return {(hit.kind, hit.id) for hit in search(session, SearchQuery(**kwargs)).items}


def key(row):
    kind = {"Notification": "notification", "StandardsChange": "change"}.get(type(row).__name__, "intelligence")
    return (kind, row.id)


def test_words_split_at_spaces_and_script_edges():
    assert [c.terms for c in parse("USB接口 安全  Lithium")] == [("USB",), ("接口",), ("安全",), ("Lithium",)]


def test_chinese_queries(session, corpus):
    assert found(session, q="锂电池", expand=False) == {key(corpus["battery"]), key(corpus["published"])}
    assert found(session, q="电池", expand=False) == {key(corpus["battery"]), key(corpus["published"])}
    assert found(session, q="锂离子电池", expand=False) == {key(corpus["battery"])}
    assert found(session, q="食品", expand=False) == {key(corpus["food"])}
    assert found(session, q="电池 回收") == {key(corpus["published"])}
    assert found(session, q="池锂") == set()  # characters in the wrong order
    assert found(session, q="锂") == {key(corpus["battery"]), key(corpus["published"])}  # one character


def test_english_queries(session, corpus):
    assert found(session, q="toys") == {key(corpus["toys"])}
    assert found(session, q="Safety") == {key(corpus["battery"]), key(corpus["toys"])}
    assert found(session, q="lithium battery", expand=False) == {key(corpus["battery"]), key(corpus["change"])}
    assert found(session, q="food 添加剂") == {key(corpus["food"])}
    assert found(session, q="G/TBT/N/USA/2100") == {key(corpus["toys"])}
    assert found(session, q="nothing-like-this") == set()


def test_word_forms(session, corpus):
    """Plurals and inflections match in English; French and Spanish items by their own stemmers."""
    assert found(session, q="battery", expand=False) == {
        key(corpus["battery"]),
        key(corpus["toys"]),
        key(corpus["change"]),
    }
    assert found(session, q="toy") == {key(corpus["toys"])}
    assert found(session, q="child") == {key(corpus["toys"])}  # Children's
    french = _notify(session, "G/TBT/N/FRA/1", title="Jouets et batteries", language="fr")
    spanish = _notify(session, "G/TBT/N/ESP/1", title="Etiquetado de baterías", language="es")
    session.commit()
    assert found(session, q="jouet", expand=False) == {key(french)}
    assert found(session, q="batería", expand=False) == {key(spanish)}
    assert found(session, q="etiquetados", expand=False) == {key(spanish)}
    label = _notify(session, "G/TBT/N/USA/3000", title="Labelling of textiles", language="en")
    session.commit()
    assert found(session, q="label", expand=False) == {key(label)}
    assert found(session, q="labels", expand=False) == {key(label)}


def test_symbols_and_codes_match_exactly(session, corpus):
    addendum = _notify(session, "G/TBT/N/EU/1201/Add.1", title="Addendum", description="See G/TBT/N/USA/2150.")
    other = _notify(session, "G/TBT/N/EU/1201", title="Radio equipment", description="Code 8507.60")
    session.commit()
    assert found(session, q="G/TBT/N/EU/1201/Add.1") == {key(addendum)}
    assert found(session, q="USA/2150") == {key(addendum)}
    assert found(session, q="USA/215") == set()
    assert found(session, q="G/TBT/N/EU/1201") == {key(addendum), key(other)}
    assert found(session, q="8507.60") == {key(other)}
    assert found(session, q="8507.6") == set()


def test_query_syntax(session, corpus):
    phone = _notify(session, "G/TBT/N/KOR/1", title="Mobile phone chargers", description="mobile phones")
    apart = _notify(session, "G/TBT/N/KOR/2", title="Phone for mobile homes")
    session.commit()
    assert found(session, q='"mobile phone"', expand=False) == {key(phone)}
    assert found(session, q="mobile phone", expand=False) == {key(phone), key(apart)}
    assert found(session, q="toys OR food", expand=False) == {key(corpus["toys"]), key(corpus["food"])}
    assert found(session, q="battery OR batteries", expand=False) == found(session, q="battery", expand=False)
    assert found(session, q="safety -toys", expand=False) == {key(corpus["battery"])}
    assert found(session, q='safety -"safety of toys"', expand=False) == {key(corpus["battery"])}
    assert found(session, q='"mobile phone', expand=False) == {key(phone), key(apart)}  # unbalanced: plain words
    assert found(session, q="-toys", expand=False) == {key(corpus["toys"])}  # only exclusions: the words
    for odd in ("OR", "OR OR toys", "toys OR", "-", '""', "***", "(toys", "toys)", "NEAR(a b)", "a:b", "^x", "\\"):
        search(session, SearchQuery(q=odd))  # never an error


def test_chinese_finds_other_languages_and_back(session, corpus):
    french = _notify(session, "G/TBT/N/FRA/2", title="Sécurité des jouets", language="fr")
    spanish = _notify(session, "G/TBT/N/ESP/2", title="Seguridad de las baterías", language="es")
    session.commit()
    page = search(session, SearchQuery(q="电池"))
    assert {(h.kind, h.id) for h in page.items} == {
        key(corpus["battery"]),
        key(corpus["published"]),
        key(corpus["toys"]),  # button batteries
        key(corpus["change"]),  # traction battery
        key(spanish),
    }
    assert "battery" in page.also_searched and "batería" in page.also_searched
    assert found(session, q="玩具") == {key(corpus["toys"]), key(french)}
    assert found(session, q="玩具", expand=False) == set()
    assert key(corpus["published"]) in found(session, q="battery")  # English finds Chinese text
    assert search(session, SearchQuery(q="电池", expand=False)).also_searched == ()
    bikes = _notify(session, "G/TBT/N/VNM/5", title="Lithium batteries for electric bicycles")
    session.commit()
    lithium = {key(corpus["battery"]), key(corpus["published"]), key(corpus["change"]), key(bikes)}
    assert found(session, q="锂电池") == lithium  # glossary phrases match their words anywhere


def test_title_matches_rank_above_mentions(session, corpus):
    mention = _notify(session, "G/TBT/N/JPN/9", title="General rules", description="toys " * 3)
    session.commit()
    ranked = search(session, SearchQuery(q="toys", sort="relevance")).items
    assert [(h.kind, h.id) for h in ranked] == [key(corpus["toys"]), key(mention)]


def test_filters(session, corpus):
    assert found(session, committee="SPS") == {key(corpus["food"])}
    assert found(session, members=("UGA",)) == {key(corpus["food"])}  # a joint notification
    assert found(session, members=("jpn",)) == {key(corpus["published"])}  # never the draft
    assert found(session, hs="8507") == {key(corpus["battery"]), key(corpus["published"])}
    assert found(session, hs="85.07.60") == {key(corpus["battery"])}
    assert found(session, ics="29.220") == {key(corpus["battery"])}
    assert found(session, sector="EI") == {key(corpus["toys"])}  # the human tag overrides
    assert found(session, sector="EPNE") == {key(corpus["battery"])}
    assert found(session, date_from=date(2024, 3, 1), date_to=date(2024, 3, 31)) == {
        key(corpus["battery"]),
        key(corpus["published"]),
    }
    assert found(session, open_on=date(2024, 4, 15)) == {key(corpus["battery"]), key(corpus["toys"])}
    assert found(session, kinds=("change",)) == {key(corpus["change"])}
    assert found(session, q="电池", kinds=("notification",), members=("CHN",), hs="85") == {key(corpus["battery"])}


def test_filters_with_words(session, corpus):
    """On SQLite the member and committee filters are part of the full-text query."""
    assert found(session, q="food", members=("uga",)) == {key(corpus["food"])}  # a joint notification
    assert found(session, q="safety", committee="tbt", members=("USA", "CHN")) == {
        key(corpus["battery"]),
        key(corpus["toys"]),
    }
    assert found(session, q="safety", committee="SPS") == found(session, q="safety", members=("KEN",)) == set()
    assert found(session, q="battery", committee="iso/tc 22") == {key(corpus["change"])}
    assert found(session, q=fts_key("m:USA")) == set()  # a key is no word


def test_sorting_and_pages(session, corpus):
    page = search(session, SearchQuery(page_size=2))
    assert page.total == 5 and [h.id for h in page.items] == [corpus["toys"].id, corpus["published"].id]
    second = search(session, SearchQuery(page_size=2, page=2)).items
    assert [h.kind for h in second] == ["notification", "change"]
    deadlines = search(session, SearchQuery(sort="deadline", today=date(2024, 4, 15))).items
    assert [h.id for h in deadlines[:2]] == [corpus["battery"].id, corpus["toys"].id]  # open, soonest first
    assert [h.kind for h in deadlines[2:]] == ["intelligence", "change", "notification"]  # then newest first
    ranked = search(session, SearchQuery(q="safety", sort="relevance")).items
    assert ranked[0].id == corpus["toys"].id and ranked[0].score >= ranked[1].score


def test_items_open_for_comment_come_first_with_or_without_a_date(session, corpus):
    undated = _notify(
        session, "G/TBT/N/BRA/9", member_code="BRA", title="Toy safety", comment_deadline=date(2024, 5, 15)
    )
    session.commit()
    deadlines = search(session, SearchQuery(q="safety", sort="deadline", today=date(2024, 4, 15))).items
    assert [h.id for h in deadlines[:3]] == [corpus["battery"].id, undated.id, corpus["toys"].id]
    assert search(session, SearchQuery(q="safety", sort="deadline", today=date(2024, 7, 1))).total == 3


def test_totals_with_filters_that_the_index_tells(session, corpus):
    """SQLite counts these from the full-text index alone, without reading the items' rows."""
    _notify(session, "G/TBT/N/BRA/9", member_code="BRA", title="Toy safety")  # undated
    session.commit()

    def total(**filters) -> int:
        return search(session, SearchQuery(q="safety", page_size=1, **filters)).total

    assert total() == 3
    assert total(date_to=date(2024, 12, 31)) == 2  # never the undated one
    assert total(date_from=date(2024, 3, 15)) == 1
    assert total(members=("BRA", "USA")) == 2
    assert total(hs="9503", date_to=date(2024, 12, 31)) == 1


def test_index_follows_updates_and_deletes(session, corpus):
    toys = corpus["toys"]
    toys.title = "Safety of dolls"
    session.add(toys)
    session.commit()
    assert found(session, q="dolls") == {key(toys)}
    assert found(session, q="toys") == {key(toys)}  # still in the description
    toys.member_code, toys.hs_codes = "CAN", ["850710"]  # the filters follow too
    session.add(toys)
    session.commit()
    assert found(session, members=("CAN",), hs="8507") == {key(toys)}
    assert found(session, members=("USA",)) == set()
    food = corpus["food"]
    food.distribution_date = date(2025, 1, 10)  # SQLite: its place in the index's date order moves
    session.add(food)
    session.commit()
    assert search(session, SearchQuery(q="food OR safety")).items[0].id == food.id
    assert found(session, q="食品", date_from=date(2025, 1, 1)) == {key(food)}
    session.delete(food)
    session.commit()
    assert found(session, q="食品") == found(session, members=("UGA",)) == set()
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
