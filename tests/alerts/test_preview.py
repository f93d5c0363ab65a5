"""See before subscribing: what a subscription's selectors would have produced over the last
90 days, through the one validation of subscriptions, on the store of the test database."""

from datetime import timedelta

import pytest

from alerts.preview import PREVIEW_DAYS, preview
from alerts.subscriptions import SubscriptionError
from store.db import session_scope
from store.models import NotificationCreate
from store.queries.classification import save_classifications
from store.queries.notifications import upsert_notification
from tests.factories import TODAY, add_notification


def add(engine, number: int, days_ago: int, **fields) -> int:
    return add_notification(
        engine, symbol=f"G/TBT/N/USA/{number}", distribution_date=TODAY - timedelta(days=days_ago), **fields
    )


def test_counts_the_matching_items_of_the_last_90_days_with_five_examples(db_engine):
    batteries = [add(db_engine, n, days_ago=n) for n in range(1, 8)]  # HS 850760, chapter 85
    add(db_engine, 100, days_ago=PREVIEW_DAYS + 1)  # too old
    add(db_engine, 200, days_ago=3, hs_codes=["120190"], hs_chapters=("12",), sectors={}, member="BRA")
    with session_scope(db_engine) as session:
        found = preview(session, {"hs_prefixes": ["85"]}, today=TODAY)
        assert (found.count, found.days, found.too_many) == (7, 90, False)
        assert [item.id for item in found.examples] == batteries[:5]  # the most recent first
        assert preview(session, {"members": ["Brazil"]}, today=TODAY).count == 1
        assert preview(session, {"min_urgency": "high"}, today=TODAY).count == 0


def test_more_than_30_a_week_says_so(db_engine):
    with session_scope(db_engine) as session:
        ids = [
            upsert_notification(
                session,
                notification=NotificationCreate(
                    symbol=f"G/SPS/N/BRA/{number + 1}",
                    base_symbol="",
                    committee="SPS",
                    member_code="BRA",
                    distribution_date=TODAY,
                ),
                source="test",
            ).row.id
            for number in range(400)
        ]
        untagged = {"edition": "2003", "tags": [], "hs_tags": [], "urgency": "low", "urgency_reasons": []}
        save_classifications(session, item_kind="notification", results=[{"item_id": i, **untagged} for i in ids])
    with session_scope(db_engine) as session:
        found = preview(session, {"committees": ["SPS"]}, today=TODAY)
    assert found.count == 400 and found.per_week == 31.1 and found.too_many


def test_no_selector_and_bad_selectors_are_refused(db_engine):
    with session_scope(db_engine) as session:
        with pytest.raises(SubscriptionError) as refused:
            preview(session, {"name": "everything", "frequency": "daily"}, today=TODAY)
        assert refused.value.key == "preview_no_selector"
        with pytest.raises(SubscriptionError) as refused:
            preview(session, {"sectors": ["NE"]}, today=TODAY)
        assert refused.value.key == "sector"
