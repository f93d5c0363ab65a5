"""The full-text index of items, kept by the database itself (migrations ``0002_search``,
``0003_search_filters`` and ``0009_search_stems``). Both databases index the same tokens
(:mod:`store.search_text`): words stemmed in the item's language, symbols and codes cut into
their parts, CJK runs as bigrams in place, then every CJK character once more as a unigram at
the end (so that a one-character query such as ``茶`` finds ``绿茶``).

* **SQLite** (embedded default): one FTS5 table per item table (``notification_fts``,
  ``standards_change_fts``, ``intelligence_report_fts``) with one column per weight class
  (:data:`FTS_COLUMNS`), filled by ``AFTER INSERT/UPDATE/DELETE`` triggers through the SQL
  function ``tbtwatch_index_text(text, language)``, which :mod:`store.db` registers on every
  connection (a connection without it, such as the ``sqlite3`` shell, can read but not write
  the item tables). An index row's rowid is the item's place in the search's date order
  (:func:`sqlite_position`, migration ``0015_sqlite_search_order``): its day in the high bits,
  its id in the low :data:`ID_BITS`. FTS5 gives its matches in rowid order, so a search sorted
  newest first reads the matches it shows and stops, and a date range is a rowid range;
  ``rowid & ID_MASK`` is the item's id. A fourth column, :data:`FTS_KEYS` (migration
  ``0020_sqlite_search_key_column``), holds the item's member and committee keys (``m:``
  and ``c:`` as below, each one token: :func:`fts_key`), filled through the SQL function
  ``tbtwatch_fts_keys`` (:func:`sqlite_fts_keys`), so that a search's member and committee
  filters are part of its full-text query: FTS5 merges their lists of rows with its words'
  instead of each match being tested. A search's words are looked for in the text columns
  only (``{a b c} : (…)``), and the keys weigh 0 in its rank. They still count in the
  length of the item that bm25 divides by: against the three-column index, the scores of the
  bench's ranked searches moved by 0.045% (median; at most 0.8%), so that items within 0.43%
  of each other could swap places; recall@10 of the judged queries stayed 0.986.
* **PostgreSQL** (production): a stored generated ``search_vector tsvector`` column on each of
  the three tables with a GIN index. The SQL function ``tbtwatch_index_text(text)`` cuts the
  text as above and the text search configuration of the row's language
  (:data:`POSTGRESQL_CONFIG`: Snowball dictionaries without stop words) stems it. The
  database's ctype must be a UTF-8 one (``C.UTF-8`` or ``xx_XX.UTF-8``) so that CJK
  characters and accented letters count as letters. The vector stays in its row (storage
  ``MAIN``, migration ``0014_search_vector_inline``): a search checks it row by row.

On SQLite, the table :data:`SQLITE_KEYS` (migration ``0016_sqlite_search_keys``) lists the
filter keys of every item, ``m:`` and ``hs:`` as below, kept by triggers through the SQL
function ``tbtwatch_filter_keys`` (:func:`sqlite_filter_keys`, registered by :mod:`store.db`):
an HS filter, or a member filter of a search without words, is then a list of items read
from its primary key once per search, instead of each full-text match's row read and its
JSON lists parsed.

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

Both databases count the writes that can change a search's answer in
:data:`SEARCH_GENERATION` (:mod:`store.queries.search_sets` keeps sets of matching items while
it stays put): on PostgreSQL a sequence that a statement trigger on each of
:data:`GENERATION_TABLES` moves (migration ``0018_search_generation``), on SQLite a one-row
table that a row trigger on each of them counts up (:func:`sqlite_generation_triggers`,
migration ``0019_sqlite_search_generation``).

Migrations never import this module: each carries a copy of the statements it ran, so that
editing this module cannot rewrite history. ``tests/store/test_migrations.py`` checks that
what the migrations built is what this module describes (the bulk insert recreates a trigger
from it): a change here needs a migration that makes it so. A migration that makes SQLite
recreate one of the three tables (batch ``alter_column``, ``drop_column``) drops its
triggers: it creates them again (its copies of :func:`sqlite_triggers`,
:func:`sqlite_key_triggers` and :func:`sqlite_generation_triggers`) and indexes the rows again (``DELETE FROM x_fts`` then its copy
of :func:`sqlite_index_rows`; the keys likewise).
"""

import json
import re

# item table -> its indexed text columns with their weight class (A counts most, then B, C).
INDEXED_COLUMNS: dict[str, dict[str, str]] = {
    "notification": {"symbol": "A", "title": "A", "products_text": "B", "keywords": "B", "description": "C"},
    "standards_change": {"reference": "A", "title": "A", "body": "B", "summary": "C"},
    "intelligence_report": {"title": "A", "products_text": "B", "text": "C"},
}
WEIGHTS = {"A": 10.0, "B": 4.0, "C": 1.0}  # SQLite bm25 column weights by class
FTS_COLUMNS = ("a", "b", "c")  # SQLite: one FTS5 column per weight class, in WEIGHTS' order
FTS_KEYS = "k"  # SQLite: the FTS5 column of the item's member and committee keys, after FTS_COLUMNS
SQLITE_TOKENIZER = "unicode61 remove_diacritics 0"  # the text is already tokens; accents stay, as on PostgreSQL
# item table -> its date column: the day of the search's date order
DATE_COLUMNS = {
    "notification": "distribution_date",
    "standards_change": "published_date",
    "intelligence_report": "published_at",
}
# what counts the writes to these tables (a sequence on PostgreSQL, a one-row table on SQLite)
SEARCH_GENERATION = "search_generation"
GENERATION_TABLES = ("notification", "standards_change", "intelligence_report", "hs_tag", "sector_tag")
_JULIAN_DAY = 1721424  # a date's julianday() cut to an integer, less its proleptic ordinal
ID_BITS = 32  # SQLite: the low bits of an index row's rowid, the item's id (ids stay below 2**32)
ID_MASK = (1 << ID_BITS) - 1
# PostgreSQL: the text search configuration of a row's language (migration 0009_search_stems)
POSTGRESQL_CONFIG = (
    "CASE lower(left(language, 2)) WHEN 'fr' THEN 'tbtwatch_fr'::regconfig "
    "WHEN 'es' THEN 'tbtwatch_es'::regconfig ELSE 'tbtwatch_en'::regconfig END"
)
SEARCH_VECTOR = "search_vector"
SEARCH_KEYS = "search_keys"
# item table -> the columns tbtwatch_search_keys() reads: member, committee, HS, ICS, joint symbols
KEYED_COLUMNS: dict[str, tuple[str | None, ...]] = {
    "notification": ("member_code", "committee", "hs_codes", "ics_codes", "joint_symbols"),
    "standards_change": ("member_code", "committee", "hs_codes", "ics_codes", None),
    "intelligence_report": ("member_code", None, "hs_codes", None, None),
}
# item table -> the columns tbtwatch_filter_keys() reads on SQLite: member, HS codes, joint symbols
SQLITE_KEYED_COLUMNS = {table: (columns[0], columns[2], columns[4]) for table, columns in KEYED_COLUMNS.items()}
# item table -> the columns tbtwatch_fts_keys() reads on SQLite: member, committee, joint symbols
FTS_KEYED_COLUMNS = {table: (columns[0], columns[1], columns[4]) for table, columns in KEYED_COLUMNS.items()}
SQLITE_KEYS = "search_key"  # SQLite: (item table, key, item id), one row a key of an item
_JOINT_MEMBER = re.compile(r"(?=/N/([^/]+)/)", re.IGNORECASE)  # the member of a joint symbol (G/TBT/N/UGA/200)
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
    if type_ == "table" and name and (_is_fts_table(name) or name in (SQLITE_KEYS, SEARCH_GENERATION)):
        return False
    if type_ == "column" and name in (SEARCH_VECTOR, SEARCH_KEYS):
        return False
    return not (type_ == "index" and name and name.endswith(("_" + SEARCH_VECTOR, "_" + SEARCH_KEYS, _NEWEST_SUFFIX)))


def _class_text(table: str, weight: str, row: str) -> str | None:
    """SQL concatenating the ``weight`` class columns of ``table`` (as ``row.column``)."""
    columns = [c for c, w in INDEXED_COLUMNS[table].items() if w == weight]
    if not columns:
        return None
    return " || ' ' || ".join(f"coalesce(CAST({row}{c} AS TEXT), '')" for c in columns)


def _sqlite_values(table: str, row: str) -> str:
    """The FTS5 columns' values of one row: each class's text through ``tbtwatch_index_text``,
    then its keys through ``tbtwatch_fts_keys``."""
    values = []
    for weight in WEIGHTS:
        text = _class_text(table, weight, row)
        values.append(f"tbtwatch_index_text({text}, {row}language)" if text else "''")
    keyed = ", ".join(f"{row}{c}" if c else "NULL" for c in FTS_KEYED_COLUMNS[table])
    return ", ".join([*values, f"tbtwatch_fts_keys({keyed})"])


def _fts_columns() -> str:
    return ", ".join([*FTS_COLUMNS, FTS_KEYS])


def sqlite_day(value: str) -> str:
    """SQL of the day number of a date (or a timestamp's date), NULL for none."""
    return f"CAST(julianday(date({value})) AS INTEGER)"


def sqlite_position(table: str, row: str) -> str:
    """SQL of the rowid of a row's index entry on SQLite: its day (0 for none: last when
    newest first), then its id."""
    return f"(coalesce({sqlite_day(row + DATE_COLUMNS[table])}, 0) << {ID_BITS}) + {row}id"


def sqlite_rowid(day: int | None, item_id: int) -> int:
    """The rowid :func:`sqlite_position` gives the index entry of an item of that id whose day
    is the proleptic ordinal ``day`` (None: none)."""
    return ((day + _JULIAN_DAY if day is not None else 0) << ID_BITS) + item_id


def sqlite_index_rows(table: str) -> str:
    """``INSERT … SELECT`` indexing rows of ``table`` on SQLite (append a ``WHERE`` to choose)."""
    return (
        f"INSERT INTO {fts_table(table)}(rowid, {_fts_columns()}) "
        f"SELECT {sqlite_position(table, '')}, {_sqlite_values(table, '')} FROM {table}"
    )


def sqlite_fts_table(table: str) -> str:
    return f"CREATE VIRTUAL TABLE {fts_table(table)} USING fts5({_fts_columns()}, tokenize='{SQLITE_TOKENIZER}')"


def sqlite_triggers(table: str) -> list[str]:
    """The statements that keep ``<table>_fts`` in step with ``table`` on SQLite."""
    keyed = [c for c in FTS_KEYED_COLUMNS[table] if c]
    fts, names = fts_table(table), ", ".join([*INDEXED_COLUMNS[table], "language", DATE_COLUMNS[table], *keyed])
    values = f"{sqlite_position(table, 'new.')}, {_sqlite_values(table, 'new.')}"
    insert = f"INSERT INTO {fts}(rowid, {_fts_columns()}) VALUES ({values});"
    delete = f"DELETE FROM {fts} WHERE rowid = {sqlite_position(table, 'old.')};"
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN {delete} {insert} END",
    ]


def sqlite_generation_triggers(table: str) -> list[str]:
    """The statements that count up :data:`SEARCH_GENERATION` on SQLite with each row written
    to ``table`` (one of :data:`GENERATION_TABLES`)."""
    return [
        f"CREATE TRIGGER {table}_search_changed_{event[0].lower()} AFTER {event} ON {table} "
        f"BEGIN UPDATE {SEARCH_GENERATION} SET n = n + 1; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def sqlite_filter_keys(member: str | None, hs_codes: str | None, joint_symbols: str | None) -> str:
    """The ``m:`` and ``hs:`` keys of an item on SQLite, as a JSON list (the JSON lists it reads
    as stored)."""
    keys = _member_keys(member, joint_symbols)
    keys.update(f"hs:{code[:n]}" for code in map(str, _json_list(hs_codes)) for n in range(1, len(code) + 1))
    return json.dumps(sorted(keys), ensure_ascii=False)


def sqlite_fts_keys(member: str | None, committee: str | None, joint_symbols: str | None) -> str:
    """The ``m:`` and ``c:`` keys of an item as the tokens of its :data:`FTS_KEYS` column."""
    keys = _member_keys(member, joint_symbols)
    keys.update([f"c:{committee.upper()}"] if committee is not None else [])
    return " ".join(sorted(map(fts_key, keys)))


def fts_key(key: str) -> str:
    """A key as one FTS5 token whatever its characters (a committee has spaces and slashes):
    the hex digits of its UTF-8 bytes."""
    return key.encode().hex()


def _member_keys(member: str | None, joint_symbols: str | None) -> set[str]:
    """The ``m:`` keys of an item: its member, and the members of its joint symbols in upper
    case, as the ``LIKE`` that looked for them matched either case."""
    keys = {f"m:{member}"} if member is not None else set()
    keys.update(f"m:{m.upper()}" for symbol in _json_list(joint_symbols) for m in _JOINT_MEMBER.findall(str(symbol)))
    return keys


def _json_list(value: str | None) -> list:
    listed = json.loads(value) if value else None
    return listed if isinstance(listed, list) else []


def _sqlite_keys(table: str, row: str) -> str:
    """SQL of the keys of a row (``row`` prefixes its columns) as a JSON list."""
    return "tbtwatch_filter_keys(" + ", ".join(f"{row}{c}" if c else "NULL" for c in SQLITE_KEYED_COLUMNS[table]) + ")"


def sqlite_keys_table() -> str:
    return (
        f"CREATE TABLE {SQLITE_KEYS} (item_table TEXT NOT NULL, key TEXT NOT NULL, item_id INTEGER NOT NULL, "
        "PRIMARY KEY (item_table, key, item_id)) WITHOUT ROWID"
    )


def sqlite_index_keys(table: str) -> str:
    """``INSERT … SELECT`` of the keys of every row of ``table`` (SQLite)."""
    return f"INSERT INTO {SQLITE_KEYS} SELECT '{table}', k.value, t.id FROM {table} AS t, json_each({_sqlite_keys(table, 't.')}) AS k"


def sqlite_key_triggers(table: str) -> list[str]:
    """The statements that keep the keys of ``table``'s rows in :data:`SQLITE_KEYS` (SQLite)."""
    name, columns = f"{table}_keys", ", ".join(c for c in SQLITE_KEYED_COLUMNS[table] if c)
    insert = f"INSERT INTO {SQLITE_KEYS} SELECT '{table}', value, new.id FROM json_each({_sqlite_keys(table, 'new.')});"
    delete = (
        f"DELETE FROM {SQLITE_KEYS} WHERE item_table = '{table}' AND item_id = old.id "
        f"AND key IN (SELECT value FROM json_each({_sqlite_keys(table, 'old.')}));"
    )
    return [
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE OF {columns} ON {table} BEGIN {delete} {insert} END",
    ]


def postgresql_vector_expression(table: str) -> str:
    """The generated ``search_vector`` of ``table`` on PostgreSQL: each class's text through
    ``tbtwatch_index_text`` and the text search configuration of the row's language."""
    parts = []
    for weight in WEIGHTS:
        text = _class_text(table, weight, "")
        if text:
            parts.append(f"setweight(to_tsvector({POSTGRESQL_CONFIG}, tbtwatch_index_text({text})), '{weight}')")
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
