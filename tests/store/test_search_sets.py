"""Searches answered from the sets of matching items a process keeps
(store.queries.search_sets): the same answers as the statements, and never stale."""

import time
from datetime import date

import pytest
from sqlmodel import Session

from store.queries import search as search_module
from store.queries import search_cache, search_sets
from store.queries.search import SearchQuery, search
from store.queries.search_cache import CACHE_SECONDS
from tests.store.test_search import _notify, corpus  # noqa: F401 (a fixture)

QUERIES = [
    SearchQuery(),
    SearchQuery(q="safety"),
    SearchQuery(q="电池"),
    SearchQuery(q="battery", sort="relevance"),
    SearchQuery(q="safety -toys"),
    SearchQuery(q='"lithium batteries" OR toys', sort="relevance", page_size=1, page=2),
    SearchQuery(q="safety", sort="deadline", today=date(2024, 4, 15)),
    SearchQuery(sort="deadline", today=date(2024, 4, 15), page_size=1, page=2),
    SearchQuery(members=("USA", "KEN")),
    SearchQuery(members=("UGA",), q="食品"),
    SearchQuery(committee="SPS"),
    SearchQuery(hs="8507"),
    SearchQuery(ics="29.220"),
    SearchQuery(sector="EPNE"),
    SearchQuery(sector="EI"),
    SearchQuery(date_from=date(2024, 3, 2), date_to=date(2024, 12, 31)),
    SearchQuery(open_on=date(2024, 4, 20)),
    SearchQuery(types=("regular", "emergency")),
    SearchQuery(page_size=2, page=9),
    SearchQuery(q="safety", page_size=1, page=2),
]


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch):
    monkeypatch.setattr(search_sets, "SETTLE_SECONDS", 0.0)


def _by_statements(session, query, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(search_module, "_from_sets", lambda *args: None)
        search_cache.forget()
        return search(session, query)


def test_sets_answer_as_the_statements_do(session, corpus, monkeypatch):
    answered = []
    real = search_module._from_sets
    monkeypatch.setattr(search_module, "_from_sets", lambda *args: answered.append(1) or real(*args))
    for query in QUERIES:
        search_cache.forget()
        assert search(session, query) == _by_statements(session, query, monkeypatch), query
    assert len(answered) >= len(QUERIES)


def test_a_write_committed_elsewhere_shows_at_once(session, corpus, db_engine):
    assert search(session, SearchQuery(q="gizmo")).total == 0
    session.commit()
    with Session(db_engine) as other:
        gizmo = _notify(other, "G/TBT/N/BRA/9", member_code="BRA", title="Gizmo safety")
        other.commit()
        gizmo_id = gizmo.id
    search_cache.forget()  # the page this process made: another process would not have it
    assert [hit.id for hit in search(session, SearchQuery(q="gizmo")).items] == [gizmo_id]
    session.commit()
    with Session(db_engine) as other:
        other.delete(other.get(type(gizmo), gizmo_id))
        other.commit()
    search_cache.forget()
    assert search(session, SearchQuery(q="gizmo")).total == 0


def test_a_transaction_that_wrote_sees_its_own_writes_and_keeps_nothing(session, corpus):
    assert search(session, SearchQuery(q="widget")).total == 0
    session.commit()
    _notify(session, "G/TBT/N/BRA/10", member_code="BRA", title="Widget safety")
    session.flush()
    assert search(session, SearchQuery(q="widget")).total == 1
    session.rollback()
    assert search(session, SearchQuery(q="widget")).total == 0


def test_sets_read_while_a_writer_is_in_flight_are_kept_briefly(session, corpus, db_engine):
    """PostgreSQL's sequence moves before its writer commits (SQLite counts in the writer's
    transaction, and a reader sees the count with the rows)."""
    if db_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's sequence")
    with Session(db_engine) as writer:
        _notify(writer, "G/TBT/N/BRA/11", member_code="BRA", title="Sprocket safety")
        writer.flush()  # in flight: not committed
        search(session, SearchQuery(q="safety", page=2))
        state = search_sets.current(session)
        assert state is not None and state.expires <= time.monotonic() + CACHE_SECONDS
        writer.rollback()
    session.commit()
    assert search_sets.current(session) is state  # until it expires or the database changes
    _notify(session, "G/TBT/N/BRA/12", member_code="BRA", title="Gear safety")
    session.commit()
    search(session, SearchQuery(q="safety", page=3))
    assert search_sets.current(session).expires == float("inf")


def test_nothing_is_kept_until_the_database_has_settled(session, corpus, monkeypatch):
    monkeypatch.setattr(search_sets, "SETTLE_SECONDS", 60.0)
    _notify(session, "G/TBT/N/BRA/13", member_code="BRA", title="Cog safety")
    session.commit()
    assert search_sets.current(session) is None  # the statements answer meanwhile
    assert search(session, SearchQuery(q="cog")).total == 1
    monkeypatch.setattr(search_sets.time, "monotonic", lambda: time.perf_counter() + 61)
    assert search_sets.current(session) is not None
