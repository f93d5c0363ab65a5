"""Searches answered from sets of matching items that the process keeps, the way Lucene keeps
the document sets of its frequent filters.

Why: a search counts its matches (up to :data:`store.queries.search.COUNT_LIMIT`), and for a
common word the full-text index first lists every item that has it: "battery" with its
glossary terms is about 39,000 of 100,000 notifications, some 24 ms of the database's CPU,
for every search of it with any filter. The words and filter values people use are few, the
items they match change only when something is written.

What is kept, for each database and kind of item, for as long as the database's count of
writes has not moved (``search_generation``, :mod:`store.search_index`: every write to an item
table or to the tags search filters by moves it):

* the kind's items in the search's date order (newest first; on PostgreSQL read from the
  index of that order alone), with their days;
* for each full-text alternative of a clause (a tsquery on PostgreSQL, an FTS5 query on
  SQLite) and each filter value (each member of a members filter),
  which of those items match it, as a bit each, and for the deadline order, the comment
  deadlines of the items open for comment. At most :data:`MEMORY_BYTES` a kind of item.

Each set is read with the SQL of the search's own condition (``_kind_select`` with that one
filter), so it holds exactly the items the search's statement would test true. A search then
combines bits (the alternatives of a clause ORed, clauses and filters ANDed, negated clauses
taken away), counts them exactly, takes its page's items in order and reads only their rows
(with their rank by the search's text: the :data:`~store.queries.search.RANK_WINDOW` newest
matches of each kind when sorted by relevance, as the statement does).
100,000 notifications, the search benchmark's mix in one process: on PostgreSQL 8.6 ms of CPU
and 45.9 ms of time a search through the statements, 2.0 ms and 4.2 ms from kept sets; on
SQLite 11.8 ms and 21.6 ms, 2.5 ms and 3.7 ms (the same hits and totals for every search).

Freshness: a search reads the count first (one short round trip); if it moved, everything
kept for that database is dropped, and nothing is kept again until it has stayed put for
:data:`SETTLE_SECONDS` (during a crawl each write would drop what was just read; the
statements answer meanwhile). SQLite's count is written in its writer's transaction, so a
reader sees it with the rows that moved it. PostgreSQL's is a sequence, which no two writers
wait for, and which moves before its writer commits: sets are kept for
good only when no other session of the database had a transaction that wrote when they
started to be read, else for :data:`~store.queries.search_cache.CACHE_SECONDS` (sessions are
listed from ``pg_stat_activity``, which shows another role's transactions only to a member
of ``pg_read_all_stats``: run writers and the web service as one role, or grant it). A search
in a transaction that has written itself uses none of this (it gets ``None`` and runs the
statements).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import text
from sqlmodel import Session

from store.db import driver_connection
from store.queries.search_cache import CACHE_SECONDS

MEMORY_BYTES = 32 << 20  # kept per kind of item at most (100,000 items: 2,600 sets); least recently used go first
SETTLE_SECONDS = 5.0  # how long the database must stay unchanged before sets are read
NULL = 1 << 40  # stands for a missing day or deadline: after every real one


@dataclass
class Kind:
    """One kind's items in date order, and what is kept of them so far."""

    ids: np.ndarray  # item ids, newest first
    days: np.ndarray  # their days (proleptic ordinals; NULL when none)
    position: np.ndarray  # item id -> its place in ``ids`` (-1: none)
    everything: np.ndarray  # the packed bits of all of them
    kept: OrderedDict = field(default_factory=OrderedDict)  # key -> bits or values, one per item in ``ids``
    kept_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bits(self, key: object, read: Callable[[], Sequence[Sequence]]) -> np.ndarray:
        """The set under ``key``, read with ``read`` (rows of an item id) when not kept."""

        def make() -> np.ndarray:
            rows = read()
            return np.packbits(self._spread(rows, np.ones(len(rows), dtype=bool), False))

        return self._kept(("bits", key), make)

    def deadlines(self, key: object, read: Callable[[], Sequence[Sequence]]) -> np.ndarray:
        """Each item's comment deadline (an ordinal, NULL when none) as ``read`` gives them
        (rows of an item id and its deadline), kept under ``key``."""

        def make() -> np.ndarray:
            rows = read()
            return self._spread(rows, np.fromiter((_ordinal(row[1]) for row in rows), np.int64, len(rows)), NULL)

        return self._kept(("deadlines", key), make)

    def _spread(self, rows: Sequence[Sequence], values: np.ndarray, default: object) -> np.ndarray:
        """``values`` (one a row) at the places of the items whose ids the rows start with,
        ``default`` elsewhere."""
        ids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
        known = ids < len(self.position)
        places = self.position[ids[known]]
        found = np.full(len(self.ids), default, dtype=values.dtype)
        found[places[places >= 0]] = values[known][places >= 0]
        return found

    def _kept(self, key: object, make: Callable[[], np.ndarray]) -> np.ndarray:
        with self.lock:
            kept = self.kept.get(key)
            if kept is not None:
                self.kept.move_to_end(key)
                return kept
        made = make()
        with self.lock:
            if key not in self.kept:
                self.kept[key] = made
                self.kept_bytes += made.nbytes
            while self.kept_bytes > MEMORY_BYTES and len(self.kept) > 1:
                self.kept_bytes -= self.kept.popitem(last=False)[1].nbytes
        return made


@dataclass
class State:
    generation: tuple[int, bool]
    seen: float  # when this process first saw the database at this generation
    expires: float = 0.0  # when what is kept goes (0: nothing may be kept yet)
    kinds: dict[str, Kind] = field(default_factory=dict)


_lock = threading.Lock()
_states: dict[object, State] = {}


def current(session: Session) -> State | None:
    """What is kept for the session's database, dropped first if the database changed since.
    None: use none of it, because the session's transaction has written (its own writes are
    not the others') or the database changed less than :data:`SETTLE_SECONDS` ago (while
    something writes, say a crawl, each write would drop what was just read)."""
    url = session.get_bind().engine.url
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if driver_connection(connection).in_transaction:  # sqlite3 begins one at a first write
            return None
        last, called = connection.execute(text("SELECT n, 1 FROM search_generation")).one()
    else:
        # a new sequence's first value is its start value too: is_called tells them apart
        last, called, clean = connection.execute(
            text("SELECT last_value, is_called, pg_current_xact_id_if_assigned() IS NULL FROM search_generation")
        ).one()
        if not clean:
            return None
    now, generation = time.monotonic(), (last, called)
    with _lock:
        state = _states.get(url)
        if state is None or state.generation != generation:
            state = _states[url] = State(generation, now)
        if state.expires > now:
            return state
        if now - state.seen < SETTLE_SECONDS:
            return None
    # settled: no other session of this database has a transaction that wrote, once the
    # sequence was read, so every write that moved it so far is committed and seen by what is
    # read from now on (a snapshot does not list transactions newer than the last finished one).
    # SQLite's count is written in its writer's transaction: always settled.
    in_flight = (
        connection.dialect.name == "postgresql"
        and connection.execute(
            text(
                "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
                "AND datname = current_database() AND pid <> pg_backend_pid())"
            )
        ).scalar()
    )
    fresh = State(generation, state.seen, now + CACHE_SECONDS if in_flight else float("inf"))
    with _lock:
        if _states.get(url) is state:
            _states[url] = fresh
        return _states[url]


def kind(state: State, name: str, read_order: Callable[[], Sequence[Sequence]]) -> Kind:
    """The kind's items in date order (``read_order``: their ids and days, newest first)."""
    kept = state.kinds.get(name)
    if kept is not None:
        return kept
    read = read_order()
    ids = np.fromiter((row[0] for row in read), np.int64, len(read))
    days = np.fromiter((_ordinal(row[1]) for row in read), np.int64, len(read))
    position = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int64)
    position[ids] = np.arange(len(ids))
    everything = np.packbits(np.ones(len(ids), dtype=bool))
    return state.kinds.setdefault(name, Kind(ids, days, position, everything))


def _ordinal(day) -> int:
    return NULL if day is None else day.toordinal()


def places(bits: np.ndarray, count: int) -> np.ndarray:
    """The places (in date order) of the items whose bit is set."""
    return np.flatnonzero(np.unpackbits(bits, count=count))
