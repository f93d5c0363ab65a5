"""Full-text search over notifications, standards changes and published intelligence, with
filters, sorting and pagination, on SQLite (FTS5 trigram) and PostgreSQL (tsvector); how
the index is kept and how Chinese is matched is told in :mod:`store.search_index`.

A query's text is cut into terms at spaces and at the edges of CJK runs
(``USB接口 安全`` → ``USB``, ``接口``, ``安全``); an item matches when it matches every term.
Filters that do not apply to a kind leave that kind out (an ICS filter leaves out intelligence
reports, which have no ICS codes; a committee filter leaves out whatever has no such
committee). Intelligence reports are searched only once published; their date is the
publication date.

Cost: each kind reads only as far as the page needs, in the page's order (newest first, an
index walk that stops when the page is full; see :func:`_first` for why PostgreSQL first
looks in a bounded walk); relevance ranks the :data:`RANK_WINDOW` newest matches of each
kind, so a common word costs no more than a rare one; matches are counted up to
:data:`COUNT_LIMIT` in the same statement (``total_capped`` says there are more). The SQL of
a search depends only on its kinds, kinds of terms and order (its :class:`_Shape`), so it is
built once per shape and the values go in as parameters.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import (
    Date,
    Float,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy import table as table_clause
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from store.models import IntelligenceReport, Notification, StandardsChange
from store.queries.hs import hs_filter_sql
from store.search_index import INDEXED_COLUMNS, SEARCH_KEYS, SEARCH_VECTOR, WEIGHTS, filter_keys, fts_table

SORTS = ("date", "relevance", "deadline", "oldest")
COUNT_LIMIT = 1000  # matches counted at most; a larger total is reported as capped
RANK_WINDOW = 100  # newest matches of each kind that relevance ranks
# PostgreSQL looks for a page first in at most this many rows in order per row it needs, up
# to PROBE_MAX: the walk stops once the page is full, so these bound only the rows read in
# vain when matches are sparse there
PROBE_FACTOR, PROBE_MAX = 50, 5000
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TERMS = re.compile(rf"[{_CJK}]+|[^\s{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
_MIN_TRIGRAM = 3


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. Empty fields do not filter; ``kinds`` empty means every kind."""

    q: str = ""
    kinds: tuple[str, ...] = ()
    committee: str | None = None  # TBT or SPS for notifications; a standards committee for changes
    member: str | None = None  # member code; joint notifications match every joint member
    sector: str | None = None  # catalogue sector code, effective tags
    hs: str | None = None  # HS code prefix, e.g. 85 or 8507: the items' decided HS codes (store.queries.hs)
    ics: str | None = None  # ICS code prefix, e.g. 29.220
    date_from: date | None = None
    date_to: date | None = None
    open_on: date | None = None  # distributed by then and comment deadline not passed
    sort: str = "date"
    page: int = 1
    page_size: int = 20


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


def terms(q: str) -> list[str]:
    """The terms of a query: CJK runs and space-separated words, lower-cased."""
    return [t.lower() for t in _TERMS.findall(q or "")]


def search(session: Session, query: SearchQuery) -> SearchPage:
    """One page of hits and their total (see the module's notes on cost)."""
    dialect = session.get_bind().dialect.name
    words = terms(query.q)
    shape = _Shape.of(query, words, dialect)
    if not shape.kinds or (query.hs and not _hs_prefix(query)):  # an HS code has digits
        return SearchPage()
    if dialect == "postgresql":
        session.connection().connection.dbapi_connection.prepare_threshold = None
    page_size = max(1, query.page_size)
    offset = (max(1, query.page) - 1) * page_size
    window = max(RANK_WINDOW, offset + page_size) if shape.ranked else offset + page_size
    params = {
        **_values(query, words, dialect),
        "window": window,
        "probe": min(window * PROBE_FACTOR, PROBE_MAX),
        "page_size": page_size,
        "offset": offset,
        "count_limit": COUNT_LIMIT + 1,
    }
    page_statement, count_statement = _statements(shape)
    rows = session.execute(page_statement, params).all()
    items = [Hit(*row[:-1]) for row in rows]
    if len(rows) < page_size and (rows or not offset):
        return SearchPage(items=items, total=offset + len(rows))
    counted = rows[0][-1] if rows else session.execute(count_statement, params).scalar_one()
    return SearchPage(
        items=items, total=max(min(counted, COUNT_LIMIT), offset + len(rows)), total_capped=counted > COUNT_LIMIT
    )


@dataclass(frozen=True)
class _Shape:
    """What decides the SQL of a search: the kinds searched, the kinds of terms and the order.
    Filters are always in it, each true when its parameter is null; PostgreSQL plans every
    search with its values (``search`` turns off psycopg's prepared statements, whose generic
    plans would not know them) and so drops the filters not given before planning."""

    dialect: str
    kinds: tuple[str, ...]
    plain: bool = False  # PostgreSQL: words outside CJK runs
    cjk: bool = False  # PostgreSQL: CJK runs
    fts: bool = False  # SQLite: terms of three characters or more, through FTS5
    short_terms: int = 0  # SQLite: shorter terms, through LIKE
    sort: str = "date"
    ranked: bool = False

    @classmethod
    def of(cls, query: SearchQuery, words: list[str], dialect: str) -> "_Shape":
        kinds = tuple(
            spec.kind for spec in _SPECS if (not query.kinds or spec.kind in query.kinds) and spec.applies(query)
        )
        if dialect == "postgresql":
            text_shape = {
                "plain": any(not _IS_CJK.match(w) for w in words),
                "cjk": any(_IS_CJK.match(w) for w in words),
            }
        else:
            text_shape = {
                "fts": any(len(w) >= _MIN_TRIGRAM for w in words),
                "short_terms": sum(len(w) < _MIN_TRIGRAM for w in words),
            }
        return cls(dialect, kinds, **text_shape, sort=query.sort, ranked=query.sort == "relevance" and bool(words))


def _hs_prefix(query: SearchQuery) -> str:
    return re.sub(r"[^0-9]", "", query.hs or "")


def _values(query: SearchQuery, words: list[str], dialect: str) -> dict:
    """The parameters of the statements of :func:`_statements` (None: no such filter)."""
    member = query.member.strip().upper() if query.member else None
    hs, ics = _hs_prefix(query) or None, query.ics.strip() if query.ics else None
    values: dict = {
        "sector": query.sector.strip() if query.sector else None,
        "date_from": query.date_from,
        "date_to": query.date_to,
        "open_on": query.open_on,
        "from_at": query.date_from and datetime.combine(query.date_from, time.min, UTC),
        "to_at": query.date_to and datetime.combine(query.date_to, time.max, UTC),
        "hs": hs,
        "hs_pattern": hs and f"{hs}%",
    }
    if dialect == "postgresql":
        values["plain"] = " ".join(w for w in words if not _IS_CJK.match(w))
        values["cjk"] = _cjk_tsquery(words)
        values["keys"] = filter_keys(member=member, committee=query.committee, ics=ics)
        values["hs_keys"] = filter_keys(hs=hs)
        return values
    values["match"] = " AND ".join('"' + w.replace('"', '""') + '"' for w in words if len(w) >= _MIN_TRIGRAM)
    short = [w for w in words if len(w) < _MIN_TRIGRAM]
    for n, word in enumerate(short):
        values[f"short_{n}"] = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return {
        **values,
        "committee": query.committee.upper() if query.committee else None,
        "member": member,
        "joint": member and f"%/N/{member}/%",
        "ics_pattern": None if ics is None else f"{ics}%",
    }


@lru_cache(maxsize=512)
def _statements(shape: _Shape) -> tuple[Select, Select]:
    """The page statement of a search of this shape, with the count of matches up to
    ``count_limit`` in each row, and the count alone for a page past the end."""
    specs = [spec for spec in _SPECS if spec.kind in shape.kinds]
    selects = [_kind_select(spec, shape, spec.model.__table__) for spec in specs]
    hits = _union([_first(spec, kind_select, shape) for spec, kind_select in zip(specs, selects, strict=True)])
    matches = _union(
        [s.with_only_columns(literal(1).label("one")).limit(bindparam("count_limit")).subquery() for s in selects]
    )
    count = select(func.count()).select_from(matches)
    page = (
        select(hits, count.scalar_subquery().label("counted"))  # one round trip; runs once
        .order_by(*_order(hits.c, shape.sort, shape.ranked))
        .limit(bindparam("page_size"))
        .offset(bindparam("offset"))
    )
    return page, count


def _first(spec: "_Spec", kind_select: Select, shape: _Shape):
    """The first ``window`` hits of one kind in the page's order (newest first to rank).

    On PostgreSQL they are looked for first among the table's first ``probe`` rows in that
    order (an index walk of known length), and only if fewer match there, among all the
    table's matches. Its row estimates for several words or a CJK phrase are
    often far too low (they assume the words independent), so left to itself it would fetch
    and sort every match of a common phrase; the probe bounds what a wrong guess costs."""
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


def _in_order(kind_select: Select, shape: _Shape) -> Select:
    hits = kind_select.subquery()
    keys = _order(hits.c, "date" if shape.ranked else shape.sort, False, within_kind=True)
    return select(hits).order_by(*keys).limit(bindparam("window"))


def _probe_rows(spec: "_Spec", shape: _Shape):
    """The first ``probe`` rows of the kind's table in the page's order, under the table's name."""
    table = spec.model.__table__
    extra = [literal_column(f"{table.name}.{c}").label(c) for c in (SEARCH_VECTOR, SEARCH_KEYS)]
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
    columns = [column for column in table.c if column.name in used]
    return select(*columns, *extra).order_by(*keys).limit(bindparam("probe")).subquery(table.name)


def _union(subqueries: list):
    if len(subqueries) == 1:
        return subqueries[0]
    return union_all(*(select(s) for s in subqueries)).subquery("hits")


def _order(c, sort: str, ranked: bool, within_kind: bool = False) -> list:
    kind = [] if within_kind else [c.kind]
    newest = [c.date.desc().nulls_last(), *kind, c.id.desc()]
    if ranked:
        return [c.score.desc(), *newest]
    if sort == "deadline":
        return [c.comment_deadline.asc().nulls_last(), *newest]
    if sort == "oldest":
        return [c.date.asc().nulls_last(), *kind, c.id]
    return newest


@dataclass(frozen=True)
class _Spec:
    """How one kind of item answers the common columns and filters."""

    kind: str
    model: type
    label: str | None
    date: str
    committee: str | None
    ics: bool
    deadline: bool

    @property
    def table(self) -> str:
        return self.model.__tablename__

    def applies(self, query: SearchQuery) -> bool:
        return not (
            (query.committee and not self.committee)
            or (query.ics and not self.ics)
            or (query.open_on and not self.deadline)
        )


_SPECS = (
    _Spec("notification", Notification, "symbol", "distribution_date", "committee", True, True),
    _Spec("change", StandardsChange, "reference", "published_date", "committee", True, True),
    _Spec("intelligence", IntelligenceReport, None, "published_at", None, False, False),
)


def _kind_select(spec: _Spec, shape: _Shape, source) -> Select:
    """The hits of one kind read from ``source``: its table, or a subquery of it under its name."""
    c = source.c
    day = c[spec.date]
    if spec.kind == "intelligence":
        day = func.date(day) if shape.dialect == "sqlite" else cast(day, Date)
    conditions: list[ColumnElement] = []
    score: ColumnElement = literal(0.0)
    if shape.plain or shape.cjk:
        tsquery = _tsquery(shape)
        vector = literal_column(f"{spec.table}.{SEARCH_VECTOR}")
        conditions.append(vector.op("@@")(tsquery))
        score = func.ts_rank(vector, tsquery)
    if shape.short_terms:
        conditions += [
            or_(
                *(
                    cast(c[column], Text).like(bindparam(f"short_{n}"), escape="\\")
                    for column in INDEXED_COLUMNS[spec.table]
                )
            )
            for n in range(shape.short_terms)
        ]
    if shape.fts:
        fts = table_clause(fts_table(spec.table))
        source = source.join(fts, literal_column(f"{fts.name}.rowid") == c.id)
        conditions.append(literal_column(fts.name).op("MATCH")(bindparam("match")))
        weights = ", ".join(str(WEIGHTS[w]) for w in INDEXED_COLUMNS[spec.table].values())
        score = -literal_column(f"bm25({fts.name}, {weights})")
    conditions += _filters(spec, shape, c, day)
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


def _filters(spec: _Spec, shape: _Shape, c, day) -> list[ColumnElement]:
    table = spec.table
    conditions: list[ColumnElement] = []
    if spec.kind == "intelligence":
        conditions.append(c.status == "published")
    if shape.dialect == "postgresql":
        keys = bindparam("keys", type_=ARRAY(Text))
        column = literal_column(f"{table}.{SEARCH_KEYS}", ARRAY(Text))
        conditions.append(or_(func.cardinality(keys) == 0, column.contains(keys)))
        given = column.contains(bindparam("hs_keys", type_=ARRAY(Text)))
    else:
        if spec.committee:
            conditions.append(_unless_null("committee", func.upper(c[spec.committee]) == bindparam("committee")))
        same = c.member_code == bindparam("member")
        if spec.kind == "notification":
            same = or_(same, _json_any(table, "joint_symbols", "joint"))
        conditions.append(_unless_null("member", same))
        if spec.ics:
            conditions.append(_unless_null("ics_pattern", _json_any(table, "ics_codes", "ics_pattern")))
        given = _json_any(table, "hs_codes", "hs_pattern")
    # the decided HS codes, or the given ones of an item not yet classified
    conditions.append(_unless_null("hs", or_(given, hs_filter_sql(spec.kind, table, shape.dialect))))
    conditions.append(_unless_null("sector", _has_sector(spec.kind, table, shape.dialect)))
    if spec.kind == "intelligence":
        day, date_from, date_to = (
            c.published_at,
            bindparam("from_at", type_=c.published_at.type),
            bindparam("to_at", type_=c.published_at.type),
        )
    else:
        date_from, date_to = bindparam("date_from", type_=Date), bindparam("date_to", type_=Date)
    conditions += [or_(date_from.is_(None), day >= date_from), or_(date_to.is_(None), day <= date_to)]
    if spec.deadline:
        open_on = bindparam("open_on", type_=Date)
        conditions.append(or_(open_on.is_(None), and_(c.comment_deadline >= open_on, day <= open_on)))
    return conditions


def _unless_null(parameter: str, condition: ColumnElement) -> ColumnElement:
    return or_(bindparam(parameter, type_=Text).is_(None), condition)


def _json_any(table: str, column: str, pattern: str) -> ColumnElement:
    """Some element of the JSON list ``table.column`` is LIKE the parameter ``pattern`` (SQLite)."""
    return text(f"EXISTS (SELECT 1 FROM json_each({table}.{column}) WHERE value LIKE :{pattern})")


def _has_sector(kind: str, table: str, dialect: str) -> ColumnElement:
    """The item's effective tags include the parameter ``sector``: its decided human tags if a
    person reviewed it, else its decided rule and model tags (as store.queries.tags)."""
    decided = "st.decided" if dialect == "postgresql" else "st.decided = 1"
    return text(
        f"EXISTS (SELECT 1 FROM sector_tag st WHERE st.item_kind = :sector_kind_{kind} "
        f"AND st.item_id = {table}.id AND st.sector = :sector AND {decided} "
        f"AND (st.origin = 'human' OR NOT EXISTS (SELECT 1 FROM sector_tag h "
        f"WHERE h.item_kind = st.item_kind AND h.item_id = st.item_id AND h.origin = 'human')))"
    ).bindparams(**{f"sector_kind_{kind}": kind})


def _tsquery(shape: _Shape) -> ColumnElement:
    """The parameters ``plain`` (``plainto_tsquery`` words) and ``cjk`` (a tsquery of
    :func:`_cjk_tsquery`) as one tsquery."""
    simple = literal_column("'simple'")
    queries = [func.plainto_tsquery(simple, bindparam("plain", type_=Text))] if shape.plain else []
    if shape.cjk:
        queries.append(func.to_tsquery(simple, bindparam("cjk", type_=Text)))
    query = queries[0]
    for other in queries[1:]:
        query = query.op("&&")(other)
    return query


def _cjk_tsquery(words: list[str]) -> str:
    """Every CJK term as its bigrams two positions apart (the index holds unigram, bigram,
    unigram, …), a single CJK character as its unigram."""
    parts = []
    for word in words:
        if _IS_CJK.match(word):
            grams = [word[i : i + 2] for i in range(len(word) - 1)] or [word]
            parts.append(" <2> ".join(_quote_lexeme(g) for g in grams))
    return " & ".join(f"({p})" for p in parts)


def _quote_lexeme(gram: str) -> str:
    return "'" + gram.replace("'", "''").replace("\\", "\\\\") + "'"
