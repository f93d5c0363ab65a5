"""Full-text search over notifications, standards changes and published intelligence, with
filters, sorting and pagination, on SQLite (FTS5 trigram) and PostgreSQL (tsvector); how
the index is kept and how Chinese is matched is told in :mod:`store.search_index`.

A query's text is cut into terms at spaces and at the edges of CJK runs
(``USB接口 安全`` → ``USB``, ``接口``, ``安全``); an item matches when it matches every term.
Filters that do not apply to a kind leave that kind out (an ICS filter leaves out intelligence
reports, which have no ICS codes; a committee filter leaves out whatever has no such
committee). Intelligence reports are searched only once published; their date is the
publication date.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import (Date, Float, Text, and_, cast, false, func, literal, literal_column, or_,
                        select, text, true, type_coerce, union_all)
from sqlalchemy import table as table_clause
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from store.models import IntelligenceReport, Notification, StandardsChange
from store.search_index import INDEXED_COLUMNS, SEARCH_VECTOR, WEIGHTS, fts_table

SORTS = ("date", "relevance", "deadline", "oldest")
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
    hs: str | None = None  # HS code prefix, e.g. 85 or 8507
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
    date: date | None
    comment_deadline: date | None
    score: float = 0.0


@dataclass
class SearchPage:
    items: list[Hit] = field(default_factory=list)
    total: int = 0


def terms(q: str) -> list[str]:
    """The terms of a query: CJK runs and space-separated words, lower-cased."""
    return [t.lower() for t in _TERMS.findall(q or "")]


def search(session: Session, query: SearchQuery) -> SearchPage:
    dialect = session.get_bind().dialect.name
    words = terms(query.q)
    selects = [
        _kind_select(spec, query, words, dialect)
        for spec in _SPECS
        if (not query.kinds or spec.kind in query.kinds) and spec.applies(query)
    ]
    if not selects:
        return SearchPage()
    union = union_all(*selects).subquery("hits") if len(selects) > 1 else selects[0].subquery("hits")
    page_size = max(1, query.page_size)
    # the total rides along with the page (one query); a page past the end needs its own count
    statement = select(union, func.count().over().label("total")).order_by(*_order(union, query, words))
    rows = session.exec(statement.limit(page_size).offset((max(1, query.page) - 1) * page_size)).all()
    if rows:
        total = rows[0].total
    else:
        total = session.exec(select(func.count()).select_from(union)).scalar_one()
    return SearchPage(items=[Hit(*row[:-1]) for row in rows], total=total)


def _order(union, query: SearchQuery, words: list[str]) -> list:
    c = union.c
    newest = [c.date.desc().nulls_last(), c.kind, c.id.desc()]
    if query.sort == "relevance" and words:
        return [c.score.desc(), *newest]
    if query.sort == "deadline":
        return [c.comment_deadline.asc().nulls_last(), *newest]
    if query.sort == "oldest":
        return [c.date.asc().nulls_last(), c.kind, c.id]
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
        return not ((query.committee and not self.committee) or (query.ics and not self.ics)
                    or (query.open_on and not self.deadline))

    def column(self, name: str):
        return getattr(self.model, name)


_SPECS = (
    _Spec("notification", Notification, "symbol", "distribution_date", "committee", True, True),
    _Spec("change", StandardsChange, "reference", "published_date", "committee", True, True),
    _Spec("intelligence", IntelligenceReport, None, "published_at", None, False, False),
)


def _kind_select(spec: _Spec, query: SearchQuery, words: list[str], dialect: str) -> Select:
    model = spec.model
    day = spec.column(spec.date)
    if spec.kind == "intelligence":
        day = func.date(day) if dialect == "sqlite" else cast(day, Date)
    conditions: list[ColumnElement] = []
    score: ColumnElement = literal(0.0)
    source = model.__table__
    if words:
        if dialect == "postgresql":
            tsquery = _tsquery(words)
            vector = literal_column(f"{spec.table}.{SEARCH_VECTOR}")
            conditions.append(vector.op("@@")(tsquery))
            score = func.ts_rank(vector, tsquery)
        else:
            fts, match = _sqlite_match(spec, words, conditions)
            if match is not None:
                source = source.join(fts, literal_column(f"{fts.name}.rowid") == model.id)
                conditions.append(literal_column(fts.name).op("MATCH")(match))
                weights = ", ".join(str(WEIGHTS[w]) for w in INDEXED_COLUMNS[spec.table].values())
                score = -literal_column(f"bm25({fts.name}, {weights})")
    conditions += _filters(spec, query, day, dialect)
    label = spec.column(spec.label) if spec.label else literal(None)
    committee = spec.column(spec.committee) if spec.committee else literal(None)
    deadline = model.comment_deadline if spec.deadline else literal(None)
    return (
        select(
            literal(spec.kind).label("kind"),
            model.id.label("id"),
            type_coerce(label, Text).label("label"),
            type_coerce(model.title, Text).label("title"),
            model.member_code.label("member_code"),
            type_coerce(committee, Text).label("committee"),
            type_coerce(day, Date).label("date"),
            type_coerce(deadline, Date).label("comment_deadline"),
            type_coerce(score, Float).label("score"),
        )
        .select_from(source)
        .where(and_(true(), *conditions))
    )


def _filters(spec: _Spec, query: SearchQuery, day, dialect: str) -> list[ColumnElement]:
    model, table = spec.model, spec.table
    conditions: list[ColumnElement] = []
    if spec.kind == "intelligence":
        conditions.append(model.status == "published")
    if query.committee:
        conditions.append(func.upper(spec.column(spec.committee)) == query.committee.upper())
    if query.member:
        member = query.member.strip().upper()
        same = model.member_code == member
        if spec.kind == "notification":
            same = or_(same, _json_any(table, "joint_symbols", f"%/N/{member}/%", dialect))
        conditions.append(same)
    if query.hs:
        prefix = re.sub(r"[^0-9]", "", query.hs)
        conditions.append(_json_any(table, "hs_codes", f"{prefix}%", dialect) if prefix else false())
    if query.ics:
        conditions.append(_json_any(table, "ics_codes", f"{query.ics.strip()}%", dialect))
    if query.sector:
        conditions.append(_has_sector(spec.kind, table, query.sector.strip(), dialect))
    if spec.kind == "intelligence":
        day = model.published_at
        date_from = query.date_from and datetime.combine(query.date_from, time.min, UTC)
        date_to = query.date_to and datetime.combine(query.date_to, time.max, UTC)
    else:
        date_from, date_to = query.date_from, query.date_to
    if date_from:
        conditions.append(day >= date_from)
    if date_to:
        conditions.append(day <= date_to)
    if query.open_on:
        conditions += [model.comment_deadline >= query.open_on, day <= query.open_on]
    return conditions


def _json_any(table: str, column: str, pattern: str, dialect: str) -> ColumnElement:
    """Some element of the JSON list ``table.column`` is LIKE ``pattern``."""
    elements = (f"json_each({table}.{column})" if dialect == "sqlite"
                else f"jsonb_array_elements_text({table}.{column}) AS value")
    return text(f"EXISTS (SELECT 1 FROM {elements} WHERE value LIKE :{column}_pattern)").bindparams(
        **{f"{column}_pattern": pattern}
    )


def _has_sector(kind: str, table: str, sector: str, dialect: str) -> ColumnElement:
    """The item's effective tags include ``sector``: its decided human tags if a person
    reviewed it, else its decided rule and model tags (as store.queries.tags)."""
    decided = "st.decided" if dialect == "postgresql" else "st.decided = 1"
    return text(
        f"EXISTS (SELECT 1 FROM sector_tag st WHERE st.item_kind = :sector_kind_{kind} "
        f"AND st.item_id = {table}.id AND st.sector = :sector_code AND {decided} "
        f"AND (st.origin = 'human' OR NOT EXISTS (SELECT 1 FROM sector_tag h "
        f"WHERE h.item_kind = st.item_kind AND h.item_id = st.item_id AND h.origin = 'human')))"
    ).bindparams(**{f"sector_kind_{kind}": kind, "sector_code": sector})


def _tsquery(words: list[str]) -> ColumnElement:
    """Every term as a tsquery: a CJK term as its bigrams two positions apart (the index
    holds unigram, bigram, unigram, …), a single CJK character as its unigram, other terms
    as ``plainto_tsquery`` words."""
    parts = []
    for word in words:
        if _IS_CJK.match(word):
            grams = [word[i:i + 2] for i in range(len(word) - 1)] or [word]
            parts.append(" <2> ".join(_quote_lexeme(g) for g in grams))
    plain = " ".join(w for w in words if not _IS_CJK.match(w))
    queries = [func.plainto_tsquery(literal_column("'simple'"), plain)] if plain else []
    if parts:
        queries.append(func.to_tsquery(literal_column("'simple'"), " & ".join(f"({p})" for p in parts)))
    query = queries[0]
    for other in queries[1:]:
        query = query.op("&&")(other)
    return query


def _quote_lexeme(gram: str) -> str:
    return "'" + gram.replace("'", "''").replace("\\", "\\\\") + "'"


def _sqlite_match(spec: _Spec, words: list[str], conditions: list) -> tuple:
    """The FTS5 table and MATCH expression for the terms of three characters or more;
    shorter terms become LIKE conditions over the indexed columns (appended)."""
    fts = table_clause(fts_table(spec.table))
    long_terms = [w for w in words if len(w) >= _MIN_TRIGRAM]
    for word in words:
        if len(word) < _MIN_TRIGRAM:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(or_(*(
                cast(spec.column(c), Text).like(pattern, escape="\\")
                for c in INDEXED_COLUMNS[spec.table]
            )))
    if not long_terms:
        return fts, None
    return fts, " AND ".join('"' + w.replace('"', '""') + '"' for w in long_terms)
