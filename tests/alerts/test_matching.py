"""Which subscriptions an item reaches, and why (no database)."""

from types import SimpleNamespace

import pytest

from alerts.matching import SubscriptionIndex
from store.queries.alerts import AlertItem


def sub(id, **selectors):
    base = {
        "sectors": [],
        "hs_prefixes": [],
        "ics_prefixes": [],
        "members": [],
        "committees": [],
        "kinds": [],
        "keywords": [],
        "min_urgency": "low",
        "created_at": None,
    }
    return SimpleNamespace(id=id, **(base | selectors))


def item(**fields):
    base = {
        "kind": "notification",
        "id": 1,
        "label": "G/TBT/N/DEU/1",
        "title": "Lithium batteries",
        "description": "Requirements for lithium-ion batteries.",
        "products": "Batteries",
        "member_code": "USA",
        "committee": "TBT",
        "hs_codes": ["8507.60"],
        "ics_codes": ["29.220.30"],
        "sectors": {"EI": ["HS 8507 core"]},
        "hs": ["850760", "85"],  # decided: the given code and a guessed chapter
        "urgency": "medium",
    }
    return AlertItem(**(base | fields))


def matched(subscriptions, it) -> dict:
    return SubscriptionIndex(subscriptions).match(it)


def test_empty_selectors_select_everything():
    assert matched([sub(1)], item()) == {1: {}}


@pytest.mark.parametrize(
    "prefix, hit", [("85", True), ("8507", True), ("850760", True), ("85076010", True), ("8517", False), ("84", False)]
)
def test_hs_prefixes_match_either_way(prefix, hit):
    assert (1 in matched([sub(1, hs_prefixes=[prefix])], item(hs=["850760"]))) is hit


def test_an_item_on_a_whole_chapter_reaches_a_heading_subscriber():
    why = matched([sub(1, hs_prefixes=["8517"])], item(hs_codes=[], hs=["85"]))
    assert why == {1: {"hs": ["8517"]}}


@pytest.mark.parametrize(
    "prefix, hit", [("29", True), ("29.220", True), ("29.220.30", True), ("29.240", False), ("13", False)]
)
def test_ics_prefixes(prefix, hit):
    assert (1 in matched([sub(1, ics_prefixes=[prefix])], item())) is hit


def test_the_eu_notifies_for_its_member_states():
    subscriptions = [sub(1, members=["Germany"]), sub(2, members=["USA"]), sub(3, members=["EU"])]
    found = matched(subscriptions, item(member_code="EU"))
    assert set(found) == {1, 3}
    assert found[1] == {"member": "EU", "via": ["DEU"]}
    assert set(matched(subscriptions, item(member_code="DEU"))) == {1}


def test_sectors_with_reasons_and_keywords_in_chinese_and_english():
    subscriptions = [
        sub(1, sectors=["EI"]),
        sub(2, sectors=["BIO"]),
        sub(3, keywords=["锂电池"]),
        sub(4, keywords=["LITHIUM", "nothing"]),
        sub(5, keywords=["absent"]),
    ]
    found = matched(subscriptions, item(title="锂电池 安全要求 Lithium"))
    assert set(found) == {1, 3, 4}
    assert found[1] == {"sectors": {"EI": ["HS 8507 core"]}}
    assert found[4] == {"keywords": ["lithium"]}


def test_committee_kind_and_urgency():
    subscriptions = [
        sub(1, committees=["SPS"]),
        sub(2, committees=["TBT"]),
        sub(3, kinds=["change"]),
        sub(4, min_urgency="high"),
        sub(5, min_urgency="medium"),
    ]
    assert set(matched(subscriptions, item())) == {2, 5}
    change = item(kind="change", committee=None, urgency="high")
    assert set(matched(subscriptions, change)) == {3, 4, 5}


def test_an_unclassified_item_matches_on_codes_and_members():
    unclassified = item(sectors={}, hs=["850760"], urgency=None)
    subscriptions = [
        sub(1, members=["USA"], hs_prefixes=["8507"]),
        sub(2, sectors=["EI"]),
        sub(3, min_urgency="medium"),
    ]
    assert set(matched(subscriptions, unclassified)) == {1}


def test_all_selectors_must_hold():
    subscriptions = [
        sub(1, members=["USA"], sectors=["EI"], keywords=["batteries"]),
        sub(2, members=["USA"], sectors=["EI"], keywords=["toy"]),
    ]
    assert set(matched(subscriptions, item())) == {1}
