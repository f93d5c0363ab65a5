"""A search this process made lately is answered again from memory, until something it reads
is written (store.queries.search_cache)."""

from datetime import date

from store.models import NotificationCreate
from store.queries import search_cache
from store.queries.notifications import upsert_notification
from store.queries.search import SearchQuery, search


def _notify(session, symbol: str, title: str):
    notification = NotificationCreate(
        symbol=symbol,
        base_symbol="",
        committee="TBT",
        member_name=None,
        title=title,
        distribution_date=date(2024, 1, 1),
    )
    return upsert_notification(session, notification=notification, source="test").row


def test_a_write_forgets_remembered_searches(session):
    _notify(session, "G/TBT/N/CHN/1", "Lithium batteries")
    session.commit()
    query = SearchQuery(q="battery")
    assert search(session, query).total == 1
    assert search_cache.recall(("page", session.get_bind().engine.url, query, date.today())) is not None
    _notify(session, "G/TBT/N/USA/2", "Batteries for toys")
    session.commit()
    assert search(session, query).total == 2


def test_a_search_that_ran_during_a_write_is_not_remembered():
    since = search_cache.generation()
    search_cache.forget()
    search_cache.remember("key", 1, since)
    assert search_cache.recall("key") is None


def test_each_entry_is_remembered_for_its_own_time():
    since = search_cache.generation()
    search_cache.remember("expired", 1, since, seconds=-1)
    search_cache.remember("count", 2, since, seconds=search_cache.COUNT_SECONDS)
    assert search_cache.recall("expired") is None
    assert search_cache.recall("count") == 2
    assert search_cache.COUNT_SECONDS > search_cache.CACHE_SECONDS  # counts may be minutes old, pages not
