"""Full-text search over notifications, standards changes and published intelligence, with
filters, sorting and pagination, on SQLite (FTS5) and PostgreSQL (tsvector); how the index is
kept and what a term matches is told in :mod:`store.search_index` and
:mod:`store.search_text`, the query syntax (phrases, ``OR``, ``-word``) in
:mod:`store.search_syntax`, the cross-language glossary in :mod:`store.glossary`.

Filters that do not apply to a kind leave that kind out (an ICS filter leaves out
intelligence reports, which have no ICS codes; a notification type, an objective or "China
named as affected" leave out everything but notifications). Intelligence reports are searched
only once published; their date is the publication date. The deadline order lists the items
open for comment first, soonest deadline first, then the others newest first.

Cost: each kind reads only as far as the page needs, in the page's order (newest first, an
index walk that stops when the page is full; see :func:`_first` for why PostgreSQL first
looks in a bounded walk); relevance ranks the :data:`RANK_WINDOW` newest matches of each
kind, so a common word costs no more than a rare one; matches are counted up to
:data:`COUNT_LIMIT` in the same statement (``total_capped`` says there are more). The SQL of
a search depends only on its kinds, whether it has text, its order and its filters (its :class:`_Shape`),
so it is built once per shape and the values go in as parameters; a shape holds only the
conditions of the filters given. A search (but for the oldest first order) is answered from
the sets of matching items the process keeps while the database does not change
(:mod:`store.queries.search_sets`), whose items are read with the same conditions. A page
made in the last 30 s by this process is used again, and, by the statements, a count of
matches made in the last 5 minutes (:mod:`store.queries.search_cache`): counting to the cap
is the dearest part of a search for a common word (each match is a heap page read: the PostgreSQL 15.20
measured reads the table even for all-visible pages).
"""

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from functools import lru_cache, partial, reduce
from types import SimpleNamespace

import numpy as np
import psycopg
from sqlalchemy import (
    Date,
    Float,
    Integer,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy import table as table_clause
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ColumnElement, Select, TextClause
from sqlalchemy.sql.elements import Label
from sqlmodel import Session

from store.db import driver_connection
from store.glossary import glossary
from store.kinds import ItemRow
from store.models import IntelligenceReport, Notification, StandardsChange
from store.models.types import table_of
from store.queries import search_cache, search_sets
from store.queries.hs import hs_filter_sql
from store.search_index import (
    FTS_COLUMNS,
    FTS_KEYS,
    ID_BITS,
    ID_MASK,
    SEARCH_KEYS,
    SEARCH_VECTOR,
    SQLITE_KEYS,
    WEIGHTS,
    filter_keys,
    fts_key,
    fts_table,
    sqlite_day,
    sqlite_rowid,
)
from store.search_syntax import Clause, parse
from store.search_text import FUNCTION_WORDS

SORTS = ("date", "relevance", "deadline", "oldest")
MAX_QUERY_LENGTH = 200  # characters of a query searched; the rest is cut off
NOTIFICATION_TYPES = ("regular", "addendum", "corrigendum", "revision", "supplement", "emergency")
# objective -> what the notifications' stated objectives say (lower case, LIKE patterns, en/fr/es/zh)
OBJECTIVES: dict[str, tuple[str, ...]] = {
    "health": ("%human health%", "%health or safety%", "%santé%", "%salud%", "%人类健康%", "%健康%"),
    "safety": ("%safety%", "%sécurité%", "%seguridad%", "%安全%"),
    "environment": ("%environment%", "%environnement%", "%ambiente%", "%环境%"),
    "consumer": ("%deceptive%", "%consumer%", "%consommateur%", "%consumidor%", "%消费者%"),
    "labelling": ("%labelling%", "%labeling%", "%consumer information%", "%étiquetage%", "%etiquetado%", "%标签%"),
    "quality": ("%quality%", "%qualité%", "%calidad%", "%质量%"),
    "harmonization": ("%harmoni%", "%协调%"),
    "trade": ("%trade barrier%", "%facilitating trade%", "%贸易%"),
    "food_safety": ("%food safety%", "%sécurité sanitaire des aliments%", "%inocuidad%", "%食品安全%"),
    "animal_health": ("%animal health%", "%animal life%", "%santé animale%", "%sanidad animal%", "%动物%"),
    "plant_protection": (
        "%plant protection%",
        "%plant life%",
        "%plant health%",
        "%préservation des végétaux%",
        "%植物%",
    ),
    "security": ("%national security%", "%sécurité nationale%", "%seguridad nacional%", "%国家安全%"),
}
CHINA = ("china", "chn", "中国", "people's republic of china", "china, people's republic of")
COUNT_LIMIT = 1000  # matches counted at most; a larger total is reported as capped
RANK_WINDOW = 100  # newest matches of each kind that relevance ranks
# PostgreSQL looks for a page first in at most this many rows in order per row it needs, up
# to PROBE_MAX: the walk stops once the page is full, so these bound only the rows read in
# vain when matches are sparse there
PROBE_FACTOR, PROBE_MAX = 50, 5000
# the filters (parameters of _values) that test a column of the item's row on SQLite in a
# search with words (whose member and committee filters are in the full-text query)
_ROW_FILTERS = frozenset(("ics_pattern", "sector", "types", "objectives", "china", "open_on", "open_from", "closed_on"))


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. Empty fields do not filter; ``kinds`` empty means every kind."""

    q: str = ""
    kinds: tuple[str, ...] = ()
    committee: str | None = None  # TBT or SPS for notifications; a standards committee for changes
    members: tuple[str, ...] = ()  # member codes, any of them; joint notifications match every joint member
    sector: str | None = None  # catalogue sector code, effective tags
    hs: str | None = None  # HS code prefix, e.g. 85 or 8507: the items' decided HS codes (store.queries.hs)
    ics: str | None = None  # ICS code prefix, e.g. 29.220
    date_from: date | None = None
    date_to: date | None = None
    open_on: date | None = None  # distributed by then and comment deadline not passed
    types: tuple[str, ...] = ()  # notification types (NOTIFICATION_TYPES), any of them
    objectives: tuple[str, ...] = ()  # objectives (OBJECTIVES), any of them
    china_affected: bool = False  # notifications naming China among the countries affected
    expand: bool = True  # also search the glossary's terms in other languages
    sort: str = "date"
    page: int = 1
    page_size: int = 20
    today: date | None = None  # what "open" means to the deadline order (default: today)
    # internal: the two halves of the deadline order
    open_from: date | None = None  # comment deadline on or after
    closed_on: date | None = None  # no comment deadline on or after


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    label: str | None  # symbol, reference, or none
    title: str | None
    member_code: str | None
    committee: str | None
    date: dt.date | None
    comment_deadline: dt.date | None
    score: float = 0.0


@dataclass
class SearchPage:
    items: list[Hit] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False  # more than ``total`` match: counting stopped at COUNT_LIMIT
    also_searched: tuple[str, ...] = ()  # the glossary's terms searched as well


def unreadable(value: str) -> str | None:
    """Why a search field cannot be searched for (NUL or control characters, lone surrogates),
    or None. Pages and the API refuse such input with this reason."""
    if "\x00" in value:
        return "NUL characters are not allowed"
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return "the text is not valid Unicode (a lone surrogate)"
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        return "control characters are not allowed"
    return None


def clauses(query: SearchQuery) -> list[Clause]:
    """The query's clauses, with the glossary's terms when ``query.expand``."""
    return list(_clauses(query.q or "", query.expand))


@lru_cache(maxsize=4096)
def _clauses(q: str, expand: bool) -> tuple[Clause, ...]:
    """Remembered: the same words are searched again and again, and stemming each term in
    every language for the glossary cost about a millisecond of a search's CPU."""
    parsed = parse(q)
    return tuple(glossary().expand(parsed) if expand else parsed)


def search(session: Session, query: SearchQuery) -> SearchPage:
    """One page of hits and their total (see the module's notes on cost)."""
    since = search_cache.generation()
    key = ("page", session.get_bind().engine.url, query, query.today or date.today())
    page = search_cache.recall(key)
    if not isinstance(page, SearchPage):
        page = _search(session, query)
        search_cache.remember(key, page, since)
    return replace(page, items=list(page.items))


def _search(session: Session, query: SearchQuery) -> SearchPage:
    found = clauses(query)
    also = tuple(dict.fromkeys(t for c in found for t in c.added))
    page_size = max(1, query.page_size)
    offset = (max(1, query.page) - 1) * page_size
    if query.sort != "deadline":
        items, total, capped = _run(session, query, found, offset, page_size)
        return SearchPage(items, total, capped, also)
    today = query.today or date.today()
    open_part = replace(query, sort="soonest", open_from=today)
    rest = replace(query, sort="date", closed_on=today)
    items, opened, open_capped = _run(session, open_part, found, offset, page_size)
    if open_capped:  # more open items than are counted: the rest is never reached
        return SearchPage(items, opened, True, also)
    more, others, capped = _run(session, rest, found, max(0, offset - opened), page_size - len(items))
    return SearchPage(items + more, opened + others, capped, also)


def _run(
    session: Session, query: SearchQuery, found: list[Clause], offset: int, limit: int
) -> tuple[list[Hit], int, bool]:
    """Hits ``offset`` to ``offset + limit`` in the query's order, the total and whether
    counting stopped at :data:`COUNT_LIMIT` (a count this process made lately is used again:
    the same words and filters on another page or in another order)."""
    dialect = session.get_bind().dialect.name
    values = _values(query, found, dialect)
    shape = _Shape.of(query, bool(found), dialect, values)
    if not shape.kinds or (query.hs and not _hs_prefix(query)):  # an HS code has digits
        return [], 0, False
    if dialect == "postgresql":
        driver_connection(session.connection()).prepare_threshold = None
    kept = _from_sets(session, shape, values, found, offset, limit)
    if kept is not None:
        return kept
    since = search_cache.generation()
    count_key = ("count", session.get_bind().engine.url, dialect, shape.kinds, shape.text, _frozen(values))
    known = search_cache.recall(count_key)
    params = {**values, "count_limit": COUNT_LIMIT + 1, "offset": offset}
    page_statement, page_alone, count_statement = _statements(shape)
    rows: Sequence[Sequence] = []
    if limit > 0:
        window = max(RANK_WINDOW, offset + limit) if shape.ranked else offset + limit
        params.update(window=window, probe=min(window * PROBE_FACTOR, PROBE_MAX), page_size=limit)
        rows = _execute(session, page_statement if known is None else page_alone, params)
    items = [Hit(*row[:-1]) for row in rows]
    if limit > 0 and len(rows) < limit and (rows or not offset):
        return items, offset + len(rows), False
    if isinstance(known, int):
        counted = known
    else:
        counted = rows[0][-1] if rows else _execute(session, count_statement, params)[0][0]
        search_cache.remember(count_key, counted, since, search_cache.COUNT_SECONDS)
    return items, max(min(counted, COUNT_LIMIT), offset + len(rows) if rows else 0), counted > COUNT_LIMIT


# the filters whose sets store.queries.search_sets keeps, each the parameters of _values it
# reads (members are kept one by one: any of them)
_KEPT_FILTERS = (
    ("keys",),  # PostgreSQL: committee and ICS keys
    ("committee",),  # SQLite
    ("ics_pattern",),  # SQLite
    ("hs", "hs_pattern", "hs_keys"),
    ("sector",),
    ("date_from", "from_at"),
    ("date_to", "to_at"),
    ("open_on",),
    ("open_from",),
    ("closed_on",),
    ("types", "emergency"),
    ("objectives",),
    ("china",),
)
_TEXT = {"postgresql": "any_0", "sqlite": "match"}  # the parameter of one alternative of a clause


def _from_sets(
    session: Session, shape: "_Shape", values: dict, found: list[Clause], offset: int, limit: int
) -> tuple[list[Hit], int, bool] | None:
    """What :func:`_run` answers, from the sets of matching items this process keeps
    (:mod:`store.queries.search_sets`): the matches are counted exactly, and only the rows of
    the page (or of the window ranked) are read. None where they do not answer: the oldest
    first order, a transaction that has written, a database that has just changed."""
    if shape.sort not in ("date", "relevance") and not (shape.sort == "soonest" and "open_from" in shape.given):
        return None
    state = search_sets.current(session)
    if state is None:
        return None
    window = max(RANK_WINDOW, offset + limit) if shape.ranked else offset + limit
    counted, candidates = 0, list[tuple[tuple, _Spec, int, int]]()
    for spec in (spec for spec in _SPECS if spec.kind in shape.kinds):
        order = _order_statement(shape.dialect, spec.kind)
        kept = search_sets.kind(state, spec.kind, partial(_execute, session, order, {}))
        where = search_sets.places(_matching(session, spec, kept, shape, values, found), len(kept.ids))
        counted += len(where)
        deadlines = kept.days  # read only when sorted by deadline
        if shape.sort == "soonest":  # deadlines soonest first, then in date order
            statement = _ids_statement(shape.dialect, spec.kind, frozenset({"open_from"}), deadlines=True)
            params = {"open_from": values["open_from"]}
            deadlines = kept.deadlines(params["open_from"], partial(_execute, session, statement, params))
            where = where[np.lexsort((where, deadlines[where]))]
        for place in where[:window]:
            day, deadline = int(kept.days[place]), int(deadlines[place])
            newest = (day == search_sets.NULL, -day, spec.kind, -int(kept.ids[place]))
            key = (deadline, *newest) if shape.sort == "soonest" else newest
            candidates.append((key, spec, int(kept.ids[place]), day))
    candidates.sort(key=lambda candidate: candidate[0])
    chosen = candidates if shape.ranked else candidates[offset : offset + limit]
    items = _rows_of(session, shape, values, [(spec, item, day) for _key, spec, item, day in chosen])
    if shape.ranked:
        keys = {(spec.kind, item): key for key, spec, item, _day in candidates}
        items = sorted(items, key=lambda hit: (-hit.score, *keys[hit.kind, hit.id]))[offset : offset + limit]
    if limit > 0 and len(items) < limit and (items or not offset):
        return items, offset + len(items), False
    return items, max(min(counted, COUNT_LIMIT), offset + len(items) if items else 0), counted > COUNT_LIMIT


def _matching(
    session: Session, spec: "_Spec", kept: search_sets.Kind, shape: "_Shape", values: dict, found: list[Clause]
) -> np.ndarray:
    """The bits of the kind's items that the search's text and filters match."""
    one_text = _TEXT[shape.dialect]

    def kept_set(names: tuple[str, ...], params: dict) -> np.ndarray:
        given = frozenset(name for name in names if name in shape.given or name == one_text)
        statement = _ids_statement(shape.dialect, spec.kind, given)
        return kept.bits((given, _frozen(params)), lambda: _execute(session, statement, params))

    everything = kept.everything
    bits = everything
    for names in _KEPT_FILTERS:
        if names[0] in shape.given:
            bits = bits & kept_set(names, {name: values.get(name) for name in names})
    if "member_keys" in shape.given:
        keys = values["member_keys"]  # a list, on SQLite as JSON
        sqlite = shape.dialect == "sqlite"
        members = [
            kept_set(("member_keys",), {"member_keys": json.dumps([k]) if sqlite else [k]})
            for k in (json.loads(keys) if sqlite else keys)
        ]
        bits = bits & reduce(np.bitwise_or, members)
    for clause in found:
        texts = _tsquery_alternatives(clause) if shape.dialect == "postgresql" else _fts5_alternatives(clause)
        one = (lambda alternative: [alternative]) if shape.dialect == "postgresql" else _in_text_columns
        alternatives = reduce(np.bitwise_or, [kept_set((one_text,), {one_text: one(t)}) for t in texts])
        bits = bits & (~alternatives & everything if clause.negated else alternatives)
    return bits


def _rows_of(session: Session, shape: "_Shape", values: dict, chosen: list[tuple["_Spec", int, int]]) -> list[Hit]:
    """The hits of ``chosen`` (kind, id and day), in that order (one statement a kind)."""
    found: dict[tuple[str, int], Hit] = {}
    # ranked by the search's text as the statements do: SQLite when sorted by relevance only
    scored = shape.ranked if shape.dialect == "sqlite" else shape.text
    for spec in {spec.kind: spec for spec, _item, _day in chosen}.values():
        ids = [item for other, item, _day in chosen if other is spec]
        params: dict = {"ids": ids, "tsquery": values.get("tsquery")}
        if shape.dialect == "sqlite":
            days = [None if day == search_sets.NULL else day for other, _item, day in chosen if other is spec]
            rowids = [sqlite_rowid(day, item) for day, item in zip(days, ids, strict=True)]
            params = {"ids": json.dumps(ids), "match": values.get("match"), "rowids": json.dumps(rowids)}
            params.update(low=min(rowids), high=max(rowids))
        for row in _execute(session, _rows_statement(shape.dialect, spec.kind, scored), params):
            found[spec.kind, row[1]] = Hit(*row)
    return [found[spec.kind, item] for spec, item, _day in chosen if (spec.kind, item) in found]


@lru_cache(maxsize=256)
def _ids_statement(dialect: str, kind: str, given: frozenset[str], deadlines: bool = False) -> Select:
    """The ids (and comment deadlines) of the kind's items that pass the conditions of the
    parameters ``given``."""
    spec = _spec(kind)
    text = any(name.startswith(("any_", "none_")) or name == "match" for name in given)
    hits = _kind_select(spec, _Shape(dialect, (kind,), text, given=given), table_of(spec.model))
    return hits.with_only_columns(
        *[c for c in hits.selected_columns if c.name == "id" or (deadlines and c.name == "comment_deadline")]
    )


@lru_cache(maxsize=8)
def _order_statement(dialect: str, kind: str) -> Select:
    """The kind's items (id, day) in the search's date order (on PostgreSQL an index-only scan)."""
    spec = _spec(kind)
    hits = _kind_select(spec, _Shape(dialect, (kind,)), table_of(spec.model)).subquery()
    return select(hits.c.id, hits.c.date).order_by(*_order(hits.c, "date", False, within_kind=True))


@lru_cache(maxsize=8)
def _rows_statement(dialect: str, kind: str, scored: bool) -> Select:
    """The kind's hits whose ids are the parameter ``ids`` (a JSON list on SQLite), with their
    rank by the search's text when ``scored`` (``tsquery``; on SQLite ``match``, the ids' index
    rows being ``rowids``)."""
    spec = _spec(kind)
    table = table_of(spec.model)
    if dialect == "postgresql":
        hits = _kind_select(spec, _Shape(dialect, (kind,), scored), table)
        return hits.where(table.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
    if not scored:
        hits = _kind_select(spec, _Shape(dialect, (kind,)), table)
        return hits.where(text(f"{table.name}.id IN (SELECT value FROM json_each(:ids))"))
    # bm25 needs the full-text match. Its index rows are read in one range of rowids (the
    # ranked window is the newest matches, and an index row's rowid is its place in that
    # order): looked up one by one, each would count every match of each term again for bm25
    hits = _kind_select(spec, _Shape(dialect, (kind,), True, ranked=True, given=frozenset({"match"})), table)
    fts = fts_table(table.name)
    return hits.where(
        text(f"{fts}.rowid BETWEEN :low AND :high"),
        text(f"+{fts}.rowid IN (SELECT value FROM json_each(:rowids))"),
    )


def _spec(kind: str) -> "_Spec":
    return next(spec for spec in _SPECS if spec.kind == kind)


def _execute(session: Session, statement: Select, params: dict) -> Sequence[Sequence]:
    """The rows of ``statement``. On PostgreSQL the statement's SQL, made once, goes to
    psycopg with the server's own ``$n`` placeholders: psycopg would otherwise parse its
    placeholders out of the text of every search again (it remembers only statements of up to
    4 kB; a search's is about 11 kB), which cost more than a millisecond of the web process's
    CPU a search. On SQLite too the SQL is made once and goes straight to sqlite3, which
    spares SQLAlchemy's walk of the whole statement for its cache key at every search."""
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite":
        return _sqlite_rows(driver_connection(session.connection()), dialect, statement, params)
    sql, names, fixed = _postgresql_sql(statement)
    values = {**fixed, **params}
    with psycopg.RawCursor(driver_connection(session.connection())) as cursor:
        cursor.execute(sql, [values[name] for name in names], prepare=False)
        return cursor.fetchall()


@lru_cache(maxsize=2048)
def _postgresql_sql(statement: Select) -> tuple[str, tuple[str, ...], dict]:
    """``statement``'s SQL with ``$n`` placeholders, the parameter of each, and the values
    the statement fixes itself (literals)."""
    compiled = statement.compile(dialect=postgresql.psycopg.dialect(paramstyle="numeric_dollar"))
    return compiled.string, tuple(compiled.positiontup or ()), dict(compiled.params)


def _sqlite_rows(connection, dialect: Dialect, statement: Select, params: dict) -> list[tuple]:
    """The rows of ``statement`` run on the sqlite3 ``connection`` with ``params``, each value
    converted as SQLAlchemy would (dates are text in SQLite)."""
    sql, names, fixed, to_sqlite, from_sqlite = _sqlite_sql(statement, dialect)
    values = {**fixed, **params}
    arguments = [
        convert(values[name]) if convert else values[name] for name, convert in zip(names, to_sqlite, strict=True)
    ]
    rows = connection.execute(sql, arguments).fetchall()
    if not any(from_sqlite):  # ids, as the kept sets read them by the ten thousand
        return rows
    return [
        tuple(convert(value) if convert else value for convert, value in zip(from_sqlite, row, strict=True))
        for row in rows
    ]


@lru_cache(maxsize=2048)
def _sqlite_sql(statement: Select, dialect: Dialect) -> tuple[str, tuple[str, ...], dict, tuple, tuple]:
    """``statement``'s SQL with ``?`` placeholders, the parameter of each, the values the
    statement fixes itself (literals), and the converters of each parameter and each column
    (None: the value as it is)."""
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    to_sqlite = tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
    from_sqlite = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in statement.selected_columns
    )
    return compiled.string, names, dict(compiled.params), to_sqlite, from_sqlite


def _frozen(values: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in values.items()))


@dataclass(frozen=True)
class _Shape:
    """What decides the SQL of a search: the kinds searched, whether there is text, the order,
    the filters given (the parameters of :func:`_values` that are set). A statement holds only
    the conditions of its filters: shorter to send, parse and plan. PostgreSQL plans every
    search with its values (``search`` turns off psycopg's prepared statements, whose generic
    plans would not know them)."""

    dialect: str
    kinds: tuple[str, ...]
    text: bool = False
    sort: str = "date"
    ranked: bool = False
    given: frozenset[str] = frozenset()

    @classmethod
    def of(cls, query: SearchQuery, text: bool, dialect: str, values: dict | None = None) -> "_Shape":
        kinds = tuple(
            spec.kind for spec in _SPECS if (not query.kinds or spec.kind in query.kinds) and spec.applies(query)
        )
        given = frozenset(name for name, value in (values or {}).items() if value is not None and value != [])
        return cls(dialect, kinds, text, sort=query.sort, ranked=query.sort == "relevance" and text, given=given)


def _hs_prefix(query: SearchQuery) -> str:
    return re.sub(r"[^0-9]", "", query.hs or "")


def _values(query: SearchQuery, found: list[Clause], dialect: str) -> dict:
    """The parameters of the statements of :func:`_statements` (None: no such filter)."""
    members = sorted({m.strip().upper() for m in query.members if m and m.strip()})
    hs, ics = _hs_prefix(query) or None, query.ics.strip() if query.ics else None
    types = [t for t in query.types if t in NOTIFICATION_TYPES]
    patterns = [p for o in query.objectives for p in OBJECTIVES.get(o, ())]
    values: dict = {
        "sector": query.sector.strip() if query.sector else None,
        "date_from": query.date_from,
        "date_to": query.date_to,
        "open_on": query.open_on,
        "open_from": query.open_from,
        "closed_on": query.closed_on,
        "from_at": query.date_from and datetime.combine(query.date_from, time.min, UTC),
        "to_at": query.date_to and datetime.combine(query.date_to, time.max, UTC),
        "hs": hs,
        "hs_pattern": hs and f"{hs}%",
        "types": json.dumps(types) if types else None,
        "emergency": "1" if "emergency" in types else None,
        "objectives": json.dumps(patterns) if patterns else None,
        "china": json.dumps(CHINA) if query.china_affected else None,
    }
    if dialect == "postgresql":
        values["tsquery"] = _tsquery_text(found)  # to rank by
        # to match by: one list of alternatives a clause, which the full-text index looks up
        # one by one (cheaper than one tsquery of them all: it checked every item listed
        # under any of their words against the whole tsquery)
        for n, clause in enumerate(c for c in found if not c.negated):
            values[f"any_{n}"] = _tsquery_alternatives(clause)
        for n, clause in enumerate(c for c in found if c.negated):
            values[f"none_{n}"] = _tsquery_alternatives(clause)
        values["keys"] = filter_keys(committee=query.committee, ics=ics)
        values["hs_keys"] = filter_keys(hs=hs)
        values["member_keys"] = [f"m:{m}" for m in members]
        return values
    values.update(
        hs_keys=json.dumps(filter_keys(hs=hs)) if hs else None, ics_pattern=None if ics is None else f"{ics}%"
    )
    committee = query.committee.upper() if query.committee else None
    # with words, the member and committee filters are part of the full-text query (the kept
    # sets of store.queries.search_sets read them by themselves)
    keys = [[f"m:{m}" for m in members], [f"c:{committee}"] * bool(committee)]
    return {
        **values,
        "match": _fts5_match(found, keys) if found else "",
        "committee": committee,
        "member_keys": json.dumps([f"m:{m}" for m in members]) if members else None,
    }


@lru_cache(maxsize=4096)
def _alternatives(clause: Clause) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """Each token sequence the clause matches, and whether as a phrase (else its words
    anywhere: :meth:`Clause.as_phrase`), without what cannot change the matches but costs the
    database: function words of words matched anywhere ("batería de litio" is "bat liti"), and
    an alternative that implies another (``lithium ion batteri`` beside ``lithium batteri``; a
    phrase of words that also match anywhere). An index lists nearly every item under
    ``de`` or ``au``, so one such word made a search read most of the index. Remembered: the
    terms are stemmed in every language, and a search asks once per kind of item (about a
    millisecond of a search answered from kept sets)."""
    out: dict[object, tuple[tuple[str, ...], bool]] = {}
    for term in clause.terms:
        for tokens in clause.forms(term):
            phrase = clause.as_phrase(term) and len(tokens) > 1
            form = tokens if phrase else tuple(dict.fromkeys(t for t in tokens if t not in FUNCTION_WORDS)) or tokens
            out.setdefault((form, True) if phrase else frozenset(form), (form, phrase))
    anywhere = [set(form) for form, phrase in out.values() if not phrase]
    return tuple(
        (form, phrase)
        for form, phrase in out.values()
        if not any(words < set(form) or (phrase and words <= set(form)) for words in anywhere)
    )


def _fts5_match(found: list[Clause], keys: list[list[str]]) -> str:
    """The FTS5 query of a search on SQLite: its clauses in the text columns, and one of each
    list of ``keys`` (a filter's; none: no such filter) in the keys column
    (:mod:`store.search_index`)."""
    return _in_text_columns(_fts5_text(found)) + "".join(
        f" AND {{{FTS_KEYS}}} : (" + " OR ".join(f'"{fts_key(key)}"' for key in listed) + ")"
        for listed in keys
        if listed
    )


def _in_text_columns(fts5_query: str) -> str:
    """An FTS5 query looked for in the text columns only, not the keys (a word may be a key's token)."""
    return f"{{{' '.join(FTS_COLUMNS)}}} : ({fts5_query})"


def _fts5_text(found: list[Clause]) -> str:
    """The clauses as an FTS5 query: each a group of alternatives, ANDed, NOT for the negated
    ones."""

    def group(clause: Clause) -> str:
        return "(" + " OR ".join(_fts5_alternatives(clause)) + ")"

    text = " AND ".join(group(c) for c in found if not c.negated)
    return text + "".join(f" NOT {group(c)}" for c in found if c.negated)


def _fts5_alternatives(clause: Clause) -> list[str]:
    """Each alternative of the clause as an FTS5 query (``"a b"`` for a phrase, ``("a" AND
    "b")`` for words anywhere)."""
    return [
        '"' + " ".join(form) + '"' if phrase else "(" + " AND ".join(f'"{t}"' for t in form) + ")"
        for form, phrase in _alternatives(clause)
    ]


def _tsquery_text(found: list[Clause]) -> str:
    """The clauses as a tsquery: each a group of alternatives (``a <-> b`` for a phrase),
    ANDed, ``!`` for the negated ones."""

    def group(clause: Clause) -> str:
        return ("!(" if clause.negated else "(") + " | ".join(_tsquery_alternatives(clause)) + ")"

    return " & ".join(group(c) for c in sorted(found, key=lambda c: c.negated))


def _tsquery_alternatives(clause: Clause) -> list[str]:
    """Each alternative of the clause as a tsquery (``a <-> b`` for a phrase, ``a & b`` for
    words anywhere)."""
    return [
        "(" + (" <-> " if phrase else " & ").join("'" + t.replace("'", "''") + "'" for t in form) + ")"
        for form, phrase in _alternatives(clause)
    ]


@lru_cache(maxsize=512)
def _statements(shape: _Shape) -> tuple[Select, Select, Select]:
    """The page statement of a search of this shape, with the count of matches up to
    ``count_limit`` in each row; the same without the count (NULL) when it is known; the
    count alone for a page past the end."""
    specs = [spec for spec in _SPECS if spec.kind in shape.kinds]
    walks = [_kind_select(spec, shape, table_of(spec.model), walk=True) for spec in specs]
    hits = _union([_first(spec, kind_select, shape) for spec, kind_select in zip(specs, walks, strict=True)])
    matches = _union(
        [
            _kind_select(spec, shape, table_of(spec.model), count=True).limit(bindparam("count_limit")).subquery()
            for spec in specs
        ]
    )
    count = select(func.count()).select_from(matches)

    def page(counted) -> Select:
        return (
            select(hits, counted.label("counted"))
            .order_by(*_order(hits.c, shape.sort, shape.ranked))
            .limit(bindparam("page_size"))
            .offset(bindparam("offset"))
        )

    # with the count: one round trip, and the count runs once
    return page(count.scalar_subquery()), page(literal(None, Integer)), count


def _first(spec: "_Spec", kind_select: Select, shape: _Shape):
    """The first ``window`` hits of one kind in the page's order (newest first to rank).

    On PostgreSQL they are looked for first among the table's first ``probe`` rows in that
    order (an index walk of known length), and only if fewer match there, among all the
    table's matches. Its row estimates for several words or a CJK phrase are
    often far too low (they assume the words independent), so left to itself it would fetch
    and sort every match of a common phrase; the probe bounds what a wrong guess costs."""
    if _index_ordered(shape):  # the full-text index gives its matches newest first
        return (
            kind_select.order_by(literal_column(f"{fts_table(spec.table)}.rowid").desc())
            .limit(bindparam("window"))
            .subquery()
        )
    if shape.dialect != "postgresql":
        return _in_order(kind_select, shape).subquery()
    probe = _in_order(_kind_select(spec, shape, _probe_rows(spec, shape)), shape).cte(f"probe_{spec.kind}")
    found = select(func.count()).select_from(probe).scalar_subquery()
    # OFFSET 0 keeps the planner from walking an index in order here too: the probe found the
    # matches sparse there, and a walk may be long (say deadlines soonest first with a recent date_from)
    everywhere = _in_order(kind_select.offset(0), shape).subquery()
    return union_all(
        select(probe).where(found >= bindparam("window")), select(everywhere).where(found < bindparam("window"))
    ).subquery()


def _index_alone(spec: "_Spec", shape: _Shape) -> bool:
    """Whether the SQLite full-text index alone tells the hits of this kind: no filter of the
    search tests a column of the item's row (the member and committee filters are part of the
    full-text query, the HS one tests its id, the ``date_from`` and ``date_to`` ones the
    index's rowids: :func:`_index_days`)."""
    return spec.kind != "intelligence" and not shape.given & _ROW_FILTERS


def _index_ordered(shape: _Shape) -> bool:
    """Whether the hits of each kind are read in the SQLite full-text index's order (newest
    first: see :mod:`store.search_index`)."""
    return shape.dialect == "sqlite" and shape.text and (shape.ranked or shape.sort == "date")


def _in_order(kind_select: Select, shape: _Shape) -> Select:
    hits = kind_select.subquery()
    keys = _order(hits.c, "date" if shape.ranked else shape.sort, False, within_kind=True)
    return select(hits).order_by(*keys).limit(bindparam("window"))


def _probe_rows(spec: "_Spec", shape: _Shape):
    """The first ``probe`` rows of the kind's table in the page's order, under the table's name
    (open for comment ones only, for the soonest deadlines)."""
    table = table_of(spec.model)
    extra: list[Label] = [literal_column(f"{table.name}.{c}").label(c) for c in (SEARCH_VECTOR, SEARCH_KEYS)]
    day = cast(table.c.published_at, Date) if spec.kind == "intelligence" else table.c[spec.date]
    deadline = table.c.comment_deadline if spec.deadline else literal(None)
    keys = _order(
        SimpleNamespace(date=day, id=table.c.id, comment_deadline=deadline),
        "date" if shape.ranked else shape.sort,
        False,
        within_kind=True,
    )
    used = {
        "id",
        "title",
        "member_code",
        "comment_deadline",
        "status",
        "published_at",
        spec.date,
        spec.label,
        spec.committee,
    }  # by _kind_select on PostgreSQL; wide text stays behind
    if spec.kind == "notification":
        used |= {"symbol_kind", "notification_type", "objectives", "countries_affected"}
    columns = [column for column in table.c if column.name in used]
    rows = select(*columns, *extra)
    if shape.sort == "soonest" and spec.deadline:
        rows = rows.where(table.c.comment_deadline >= bindparam("open_from", type_=Date))
    return rows.order_by(*keys).limit(bindparam("probe")).subquery(table.name)


def _union(subqueries: list):
    if len(subqueries) == 1:
        return subqueries[0]
    return union_all(*(select(s) for s in subqueries)).subquery("hits")


def _order(c, sort: str, ranked: bool, within_kind: bool = False) -> list:
    kind = [] if within_kind else [c.kind]
    newest = [c.date.desc().nulls_last(), *kind, c.id.desc()]
    if ranked:
        return [c.score.desc(), *newest]
    if sort == "soonest":
        return [c.comment_deadline.asc().nulls_last(), *newest]
    if sort == "oldest":
        return [c.date.asc().nulls_last(), *kind, c.id]
    return newest


@dataclass(frozen=True)
class _Spec:
    """How one kind of item answers the common columns and filters."""

    kind: str
    model: type[ItemRow]
    label: str | None
    date: str
    committee: str | None
    ics: bool
    deadline: bool

    @property
    def table(self) -> str:
        return table_of(self.model).name

    def applies(self, query: SearchQuery) -> bool:
        notification_only = query.types or query.objectives or query.china_affected
        return not (
            (query.committee and not self.committee)
            or (query.ics and not self.ics)
            or ((query.open_on or query.open_from) and not self.deadline)
            or (notification_only and self.kind != "notification")
        )


_SPECS = (
    _Spec("notification", Notification, "symbol", "distribution_date", "committee", True, True),
    _Spec("change", StandardsChange, "reference", "published_date", "committee", True, True),
    _Spec("intelligence", IntelligenceReport, None, "published_at", None, False, False),
)


def _kind_select(spec: _Spec, shape: _Shape, source, walk: bool = False, count: bool = False) -> Select:
    """The hits of one kind read from ``source``: its table, or a subquery of it under its name.
    ``walk``: to be read in the page's order. On SQLite the full-text matches come in the date
    order (:func:`_index_ordered`); for the soonest deadlines only the recent ones are read
    (:func:`_index_days`) and sorted; oldest first they are a list that each row in that
    order is looked up in (``+id``: not the list driving the query, which would fetch and
    sort every match of a common word). ``count``: a row (``one``) per hit, to count them; on
    SQLite read from the full-text index alone when no filter needs the item's row
    (:func:`_index_alone`)."""
    c = source.c
    item = f"{spec.table}.id"  # SQL of the item's id
    day = c[spec.date]
    if spec.kind == "intelligence":
        day = func.date(day) if shape.dialect == "sqlite" else cast(day, Date)
    conditions: list[ColumnElement | TextClause] = []
    score: ColumnElement = literal(0.0)
    days_indexed = False  # the date filters are ranges of the full-text index's rowids
    if shape.text and shape.dialect == "postgresql":
        tsquery = cast(bindparam("tsquery", type_=Text), TSQUERY)
        vector: ColumnElement = literal_column(f"{spec.table}.{SEARCH_VECTOR}")
        for name in sorted(n for n in shape.given if n.startswith(("any_", "none_"))):
            matches = vector.op("@@")(any_(cast(bindparam(name, type_=ARRAY(Text)), ARRAY(TSQUERY))))
            conditions.append(matches if name.startswith("any_") else not_(matches))
        score = func.ts_rank(vector, tsquery)
    elif shape.text and walk and shape.sort == "oldest":
        fts_name = fts_table(spec.table)
        matched = f"SELECT rowid & {ID_MASK} FROM {fts_name} WHERE {fts_name} MATCH :match"
        conditions.append(text(f"+{spec.table}.id IN ({matched})"))
    elif shape.text:
        fts = table_clause(fts_table(spec.table))
        # filters on the id test the index row, before the item's row is read
        item = f"{fts.name}.rowid & {ID_MASK}"
        # the triggers keep an index row for every item row, so counting needs no join
        source = fts if count and _index_alone(spec, shape) else source.join(fts, c.id == literal_column(item))
        conditions.append(literal_column(fts.name).op("MATCH")(bindparam("match")))
        conditions += _index_days(spec, shape, fts.name)
        days_indexed = spec.kind != "intelligence"
        if shape.ranked:
            weights = ", ".join(str(w) for w in [*WEIGHTS.values(), 0.0])  # the keys weigh nothing
            score = -literal_column(f"bm25({fts.name}, {weights})")
    conditions += _filters(spec, shape, c, day, item, days_indexed)
    if count:
        return select(literal(1).label("one")).select_from(source).where(and_(true(), *conditions))
    label = c[spec.label] if spec.label else literal(None)
    committee = c[spec.committee] if spec.committee else literal(None)
    deadline = c.comment_deadline if spec.deadline else literal(None)
    return (
        select(
            literal(spec.kind).label("kind"),
            c.id.label("id"),
            type_coerce(label, Text).label("label"),
            type_coerce(c.title, Text).label("title"),
            c.member_code.label("member_code"),
            type_coerce(committee, Text).label("committee"),
            type_coerce(day, Date).label("date"),
            type_coerce(deadline, Date).label("comment_deadline"),
            type_coerce(score, Float).label("score"),
        )
        .select_from(source)
        .where(and_(true(), *conditions))
    )


def _index_days(spec: _Spec, shape: _Shape, fts: str) -> list[TextClause]:
    """The date filters as ranges of the SQLite full-text index's rowids (the day in their
    high bits), so that the index skips the matches outside them (but for intelligence, whose
    filters compare timestamps). ``date_from`` and ``date_to`` are tested there alone: an
    undated item's day is 0, so it is below every ``date_from`` and left out of a ``date_to``
    by a bound of its own. ``open_on`` still tests the item's date as well."""
    if spec.kind == "intelligence":
        return []
    conditions = []
    for name, compare, after in (("date_from", ">=", ""), ("date_to", "<", " + 1"), ("open_on", "<", " + 1")):
        if name in shape.given:
            bound = f"({sqlite_day(':' + name)}{after}) << {ID_BITS}"
            conditions.append(text(f"{fts}.rowid {compare} {bound}").bindparams(bindparam(name, type_=Date)))
    if "date_to" in shape.given:
        conditions.append(text(f"{fts}.rowid >= {1 << ID_BITS}"))
    if "open_from" in shape.given:
        # the items open for comment are few and recent: none is older than the oldest of
        # them (a day of 0 if one has none; past every rowid if none is open)
        oldest = (
            f"SELECT min(coalesce({sqlite_day(spec.date)}, 0)) FROM {spec.table} WHERE comment_deadline >= :open_from"
        )
        bound = f"coalesce(({oldest}), {1 << 30}) << {ID_BITS}"
        conditions.append(text(f"{fts}.rowid >= {bound}").bindparams(bindparam("open_from", type_=Date)))
    return conditions


def _filters(
    spec: _Spec, shape: _Shape, c, day, item: str, days_indexed: bool = False
) -> list[ColumnElement | TextClause]:
    """The conditions of the filters the search gives (``shape.given``); ``item`` is SQL of
    the item's id; ``days_indexed``: ``date_from`` and ``date_to`` are tested by
    :func:`_index_days`."""
    table = spec.table
    conditions: list[ColumnElement | TextClause] = []
    if spec.kind == "intelligence":
        conditions.append(c.status == "published")
    given = shape.given.__contains__
    codes: ColumnElement | TextClause
    if shape.dialect == "postgresql":
        column = literal_column(f"{table}.{SEARCH_KEYS}", ARRAY(Text))
        if given("keys"):
            conditions.append(column.contains(bindparam("keys", type_=ARRAY(Text))))
        if given("member_keys"):
            conditions.append(column.overlap(bindparam("member_keys", type_=ARRAY(Text))))
        codes = column.contains(bindparam("hs_keys", type_=ARRAY(Text)))
    else:
        if spec.committee and given("committee") and not shape.text:  # else in the full-text query
            conditions.append(func.upper(c[spec.committee]) == bindparam("committee"))
        if given("member_keys") and not shape.text:
            conditions.append(_keyed(item, table, "member_keys"))
        if spec.ics and given("ics_pattern"):
            conditions.append(_json_any(table, "ics_codes", "ics_pattern"))
        codes = _keyed(item, table, "hs_keys")
    if given("hs"):  # the decided HS codes, or the given ones of an item not yet classified
        conditions.append(or_(codes, hs_filter_sql(spec.kind, item, shape.dialect)))
    if given("sector"):
        conditions.append(_has_sector(spec.kind, table, shape.dialect))
    if spec.kind == "notification":
        conditions += _notification_filters(table, shape)
    if spec.kind == "intelligence":
        day, date_from, date_to = (
            c.published_at,
            bindparam("from_at", type_=c.published_at.type),
            bindparam("to_at", type_=c.published_at.type),
        )
    else:
        date_from, date_to = bindparam("date_from", type_=Date), bindparam("date_to", type_=Date)
    if not days_indexed:
        conditions += [day >= date_from] if given("date_from") else []
        conditions += [day <= date_to] if given("date_to") else []
    if spec.deadline:
        open_on, open_from = bindparam("open_on", type_=Date), bindparam("open_from", type_=Date)
        if given("open_on") and given("open_from") and shape.dialect == "sqlite":
            # one lower bound of the deadline, the later: SQLite walked the deadline index from
            # the one it chose, so from years back for "open on" a past day
            conditions.append(and_(c.comment_deadline >= func.max(open_on, open_from), day <= open_on))
        else:
            if given("open_on"):
                conditions.append(and_(c.comment_deadline >= open_on, day <= open_on))
            if given("open_from"):
                conditions.append(c.comment_deadline >= open_from)
        if given("closed_on"):
            closed_on = bindparam("closed_on", type_=Date)
            conditions.append(or_(c.comment_deadline.is_(None), c.comment_deadline < closed_on))
    return conditions


def _notification_filters(table: str, shape: _Shape) -> list[TextClause]:
    """Notification type, objective and "China named as affected" (JSON parameters)."""
    dialect = shape.dialect
    elements = "jsonb_array_elements_text" if dialect == "postgresql" else "json_each"
    value = "" if dialect == "postgresql" else ".value"
    json = "jsonb" if dialect == "postgresql" else "TEXT"

    def any_of(column: str, parameter: str, match: str) -> TextClause:
        return text(
            f"EXISTS (SELECT 1 FROM {elements}({table}.{column}) AS v, {elements}(CAST(:{parameter} AS "
            f"{json})) AS p WHERE {match.format(v='v' + value, p='p' + value)})"
        )

    conditions = []
    if "types" in shape.given:
        conditions.append(
            text(
                f"({table}.symbol_kind IN (SELECT p{value} FROM {elements}(CAST(:types AS {json})) AS p) OR "
                f"(CAST(:emergency AS TEXT) IS NOT NULL AND "
                f"(lower({table}.notification_type) LIKE '%emergenc%' OR {table}.notification_type LIKE '%紧急%')))"
            )
        )
    if "objectives" in shape.given:
        conditions.append(any_of("objectives", "objectives", "lower({v}) LIKE {p}"))
    if "china" in shape.given:
        conditions.append(any_of("countries_affected", "china", "lower(trim({v})) = {p}"))
    return conditions


def _keyed(item: str, table: str, parameter: str) -> TextClause:
    """The item (``item``: SQL of its id) has one of the keys of the JSON list parameter
    ``parameter`` (SQLite: the items are listed once from the key table's primary key, see
    :mod:`store.search_index`; ``+``: a list tested, never one driving the query)."""
    return text(
        f"+({item}) IN (SELECT item_id FROM {SQLITE_KEYS} WHERE item_table = '{table}' "
        f"AND key IN (SELECT value FROM json_each(:{parameter})))"
    )


def _json_any(table: str, column: str, pattern: str) -> TextClause:
    """Some element of the JSON list ``table.column`` is LIKE the parameter ``pattern`` (SQLite)."""
    return text(f"EXISTS (SELECT 1 FROM json_each({table}.{column}) WHERE value LIKE :{pattern})")


def _has_sector(kind: str, table: str, dialect: str) -> TextClause:
    """The item's effective tags include the parameter ``sector``: its decided human tags if a
    person reviewed it, else its decided rule and model tags (as store.queries.tags)."""
    decided = "st.decided" if dialect == "postgresql" else "st.decided = 1"
    return text(
        f"EXISTS (SELECT 1 FROM sector_tag st WHERE st.item_kind = :sector_kind_{kind} "
        f"AND st.item_id = {table}.id AND st.sector = :sector AND {decided} "
        f"AND (st.origin = 'human' OR NOT EXISTS (SELECT 1 FROM sector_tag h "
        f"WHERE h.item_kind = st.item_kind AND h.item_id = st.item_id AND h.origin = 'human')))"
    ).bindparams(**{f"sector_kind_{kind}": kind})
