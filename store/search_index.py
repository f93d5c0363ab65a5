"""The full-text index of items, kept by the database itself (migration ``0002_search``).

* **SQLite** (embedded default): one FTS5 table per item table with the ``trigram`` tokenizer
  and external content — ``notification_fts``, ``standards_change_fts``,
  ``intelligence_report_fts`` — kept in step by ``AFTER INSERT/UPDATE/DELETE`` triggers.
  Trigrams index any script, so Chinese needs no word splitting: a term of three characters or
  more (``锂电池``, ``battery``) is a substring match through the index; a shorter term
  (``电池``) falls back to ``LIKE`` over the same columns. Matching is case-insensitive.
* **PostgreSQL** (production): a stored generated ``search_vector tsvector`` column on each of
  the three tables with a GIN index. The text goes through the SQL function
  ``tbtwatch_search_text`` which leaves other scripts as they are and rewrites each run of
  CJK characters (Chinese, kana, hangul) as its overlapping unigrams and bigrams
  (``锂电池`` → ``锂 锂电 电 电池 池``) before ``to_tsvector('simple', …)``; a query term is
  rewritten the same way into a phrase of bigrams two positions apart (``'锂电' <2> '电池'``),
  a one-character term into its unigram. English words are lower-cased words, unstemmed.
  The database's ctype must be a UTF-8 one (``C.UTF-8`` or ``xx_XX.UTF-8``) so the text
  search parser treats CJK characters as letters.

On PostgreSQL, migration ``0003_search_filters`` adds two things so that a search reads only
the rows it shows:

* :data:`NEWEST_FIRST` indexes: the date newest first with the id (``DESC NULLS LAST``, the
  search's date order), so a search sorted by date walks the newest rows until its page is
  full instead of sorting every match;
* a stored generated ``search_keys text[]`` column with a GIN index: the item's filter values
  as keys (:func:`filter_keys` makes the query side) — ``m:CHN`` for its member and each
  member of a joint notification, ``c:TBT`` for its committee (upper case), ``hs:8``,
  ``hs:85``, … for every prefix of each HS code and ``ics:``, ``ics:2``, … for every prefix
  of each ICS code. ``search_keys @> ARRAY[...]`` is then one index condition that the
  database ANDs with the full-text one, so a rare filter on a common word fetches only
  the rows that match both.

Because the database maintains the index, every writer (the store's upsert, the API, bulk
SQL) keeps it current. These objects are not SQLModel tables: :func:`include_object` keeps
them out of Alembic's model comparison (``store/migrations/env.py``, the migrations test).

A migration that makes SQLite recreate one of the three tables (batch ``alter_column``,
``drop_column``) drops its triggers: call :func:`sqlite_triggers` for that table again in
the same migration and rebuild the index (``INSERT INTO x_fts(x_fts) VALUES('rebuild')``).
"""

# item table -> its indexed text columns with their weight class (A counts most, then B, C).
INDEXED_COLUMNS: dict[str, dict[str, str]] = {
    "notification": {"symbol": "A", "title": "A", "products_text": "B", "keywords": "B", "description": "C"},
    "standards_change": {"reference": "A", "title": "A", "body": "B", "summary": "C"},
    "intelligence_report": {"title": "A", "products_text": "B", "text": "C"},
}
WEIGHTS = {"A": 10.0, "B": 4.0, "C": 1.0}  # SQLite bm25 column weights by class
SEARCH_VECTOR = "search_vector"
SEARCH_KEYS = "search_keys"
# item table -> the columns tbtwatch_search_keys() reads: member, committee, HS, ICS, joint symbols
KEYED_COLUMNS: dict[str, tuple[str | None, ...]] = {
    "notification": ("member_code", "committee", "hs_codes", "ics_codes", "joint_symbols"),
    "standards_change": ("member_code", "committee", "hs_codes", "ics_codes", None),
    "intelligence_report": ("member_code", None, "hs_codes", None, None),
}
# item table -> its date column, indexed newest first on PostgreSQL (ix_<table>_search_newest)
NEWEST_FIRST = {"notification": "distribution_date", "standards_change": "published_date"}
_NEWEST_SUFFIX = "_search_newest"


def newest_first_index(table: str) -> str:
    """``CREATE INDEX`` of the newest-first index of ``table`` (PostgreSQL)."""
    return f"CREATE INDEX ix_{table}{_NEWEST_SUFFIX} ON {table} ({NEWEST_FIRST[table]} DESC NULLS LAST, id DESC)"


def fts_table(table: str) -> str:
    return f"{table}_fts"


def _is_fts_table(name: str) -> bool:
    return any(name == fts_table(t) or name.startswith(fts_table(t) + "_") for t in INDEXED_COLUMNS)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave the search index objects out of comparisons."""
    if type_ == "table" and name and _is_fts_table(name):
        return False
    if type_ == "column" and name in (SEARCH_VECTOR, SEARCH_KEYS):
        return False
    return not (type_ == "index" and name and name.endswith(("_" + SEARCH_VECTOR, "_" + SEARCH_KEYS, _NEWEST_SUFFIX)))


def sqlite_triggers(table: str) -> list[str]:
    """The statements that keep ``<table>_fts`` in step with ``table`` on SQLite."""
    fts, columns = fts_table(table), tuple(INDEXED_COLUMNS[table])
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN {delete} {insert} END",
    ]


def postgresql_vector_expression(table: str) -> str:
    """The generated ``search_vector`` of ``table`` on PostgreSQL."""
    parts = []
    for weight in "ABC":
        columns = [c for c, w in INDEXED_COLUMNS[table].items() if w == weight]
        if columns:
            text = " || ' ' || ".join(f"coalesce({c}::text, '')" for c in columns)
            parts.append(f"setweight(to_tsvector('simple', tbtwatch_search_text({text})), '{weight}')")
    return " || ".join(parts)


def postgresql_keys_expression(table: str) -> str:
    """The generated ``search_keys`` of ``table`` on PostgreSQL."""
    return "tbtwatch_search_keys(" + ", ".join(c or "NULL" for c in KEYED_COLUMNS[table]) + ")"


def filter_keys(
    *, member: str | None = None, committee: str | None = None, hs: str | None = None, ics: str | None = None
) -> list[str]:
    """The ``search_keys`` an item must all have to pass these filters (already normalised:
    member upper case, HS digits only)."""
    keys = [f"m:{member}"] if member else []
    keys += [f"c:{committee.upper()}"] if committee else []
    keys += [f"hs:{hs}"] if hs else []
    return keys + ([f"ics:{ics}"] if ics is not None else [])
