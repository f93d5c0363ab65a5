"""Search by word forms: stemmed words in the item's language, symbols cut into their parts,
CJK bigrams in place (store/search_text.py, store/search_index.py).

* PostgreSQL: Snowball dictionaries without stop words and the text search configurations
  ``tbtwatch_en``, ``tbtwatch_fr``, ``tbtwatch_es``; the function ``tbtwatch_index_text``
  replaces ``tbtwatch_search_text``; ``search_vector`` is generated again from them (the three
  tables are rewritten: about a minute per 100,000 notifications).
* SQLite: the trigram FTS5 tables become tables of the same names holding the stemmed tokens
  (``tbtwatch_index_text``, a Python function registered on every connection by store/db.py).

Revision ID: 0009_search_stems
Revises: 0008_hs_tags_threads
"""

from importlib import import_module

from alembic import op

revision = "0009_search_stems"
down_revision = "0008_hs_tags_threads"
branch_labels = None
depends_on = None

_0002 = import_module("store.migrations.versions.0002_search")
_0005 = import_module("store.migrations.versions.0005_search_text_regex")
RUN = _0002.CJK
ONE = RUN.removesuffix("+")
NOT_CJK = "[^" + ONE[1:]
LANGUAGES = {"en": "english", "fr": "french", "es": "spanish"}
TOKEN_TYPES = "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart"

# The index as store/search_index.py described it when this revision was written (a migration
# never reads live code: changing the index takes a migration of its own). On SQLite the
# triggers call tbtwatch_index_text, the Python function store/db.py registers on each connection.
# item table -> its indexed text columns with their weight class (A counts most, then B, C)
INDEXED_COLUMNS: dict[str, dict[str, str]] = {
    "notification": {"symbol": "A", "title": "A", "products_text": "B", "keywords": "B", "description": "C"},
    "standards_change": {"reference": "A", "title": "A", "body": "B", "summary": "C"},
    "intelligence_report": {"title": "A", "products_text": "B", "text": "C"},
}
WEIGHTS = ("A", "B", "C")
FTS_COLUMNS = ("a", "b", "c")  # SQLite: one FTS5 column per weight class
SQLITE_TOKENIZER = "unicode61 remove_diacritics 0"
POSTGRESQL_CONFIG = (
    "CASE lower(left(language, 2)) WHEN 'fr' THEN 'tbtwatch_fr'::regconfig "
    "WHEN 'es' THEN 'tbtwatch_es'::regconfig ELSE 'tbtwatch_en'::regconfig END"
)
SEARCH_VECTOR = "search_vector"


def fts_table(table: str) -> str:
    return f"{table}_fts"


def _class_text(table: str, weight: str, row: str) -> str | None:
    columns = [c for c, w in INDEXED_COLUMNS[table].items() if w == weight]
    if not columns:
        return None
    return " || ' ' || ".join(f"coalesce(CAST({row}{c} AS TEXT), '')" for c in columns)


def _sqlite_values(table: str, row: str) -> str:
    values = []
    for weight in WEIGHTS:
        text = _class_text(table, weight, row)
        values.append(f"tbtwatch_index_text({text}, {row}language)" if text else "''")
    return ", ".join(values)


def sqlite_index_rows(table: str) -> str:
    return f"INSERT INTO {fts_table(table)}(rowid, {', '.join(FTS_COLUMNS)}) SELECT id, {_sqlite_values(table, '')} FROM {table}"


def sqlite_fts_table(table: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE {fts_table(table)} USING fts5({', '.join(FTS_COLUMNS)}, tokenize='{SQLITE_TOKENIZER}')"
    )


def sqlite_triggers(table: str) -> list[str]:
    fts, names = fts_table(table), ", ".join([*INDEXED_COLUMNS[table], "language"])
    insert = f"INSERT INTO {fts}(rowid, {', '.join(FTS_COLUMNS)}) VALUES (new.id, {_sqlite_values(table, 'new.')});"
    delete = f"DELETE FROM {fts} WHERE rowid = old.id;"
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN {delete} {insert} END",
    ]


def postgresql_vector_expression(table: str) -> str:
    parts = []
    for weight in WEIGHTS:
        text = _class_text(table, weight, "")
        if text:
            parts.append(f"setweight(to_tsvector({POSTGRESQL_CONFIG}, tbtwatch_index_text({text})), '{weight}')")
    return " || ".join(parts)


# Every run of characters that are not letters or digits becomes a space. Each CJK run is
# marked (\x01 run \x02), each of its characters c written "c c", which side by side reads
# "c1 c1c2 c2c3 c3": the bigrams in order with the run's first and last character once too
# many; the two replacements after drop them (a run of one character keeps it once: the last
# replacement needs a CJK character before the space). Then the
# text's CJK characters follow once more each, as unigrams.
INDEX_TEXT_FUNCTION = rf"""
CREATE OR REPLACE FUNCTION tbtwatch_index_text(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
SELECT CASE WHEN body !~ '{RUN}' THEN regexp_replace(coalesce(body, ''), '[^[:alnum:]]+', ' ', 'g') ELSE
  translate(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'),
      '({RUN})', E' \x01\\1\x02 ', 'g'),
      '({ONE})', '\1 \1', 'g'),
      E'\x01{ONE} ', '', 'g'),
      E'({ONE}) {ONE}\x02', '\1', 'g'),
    E'\x01\x02', '  ')
  || ' ' || regexp_replace(regexp_replace(body, '{NOT_CJK}+', ' ', 'g'), '({ONE})', ' \1', 'g') END
$f$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for code, language in LANGUAGES.items():
            op.execute(
                f"CREATE TEXT SEARCH DICTIONARY tbtwatch_{language} (TEMPLATE = snowball, Language = {language})"
            )
            op.execute(f"CREATE TEXT SEARCH CONFIGURATION tbtwatch_{code} (COPY = simple)")
            op.execute(
                f"ALTER TEXT SEARCH CONFIGURATION tbtwatch_{code} ALTER MAPPING FOR {TOKEN_TYPES} WITH tbtwatch_{language}"
            )
        op.execute(INDEX_TEXT_FUNCTION)
        _vectors(postgresql_vector_expression)
        op.execute("DROP FUNCTION tbtwatch_search_text(text)")
        return
    for table in INDEXED_COLUMNS:
        _drop_sqlite_index(table)
        op.execute(sqlite_fts_table(table))
        for statement in sqlite_triggers(table):
            op.execute(statement)
        op.execute(sqlite_index_rows(table))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_0005.SEARCH_TEXT_FUNCTION)
        _vectors(_0002.postgresql_vector_expression)
        op.execute("DROP FUNCTION tbtwatch_index_text(text)")
        for code, language in LANGUAGES.items():
            op.execute(f"DROP TEXT SEARCH CONFIGURATION tbtwatch_{code}")
            op.execute(f"DROP TEXT SEARCH DICTIONARY tbtwatch_{language}")
        return
    for table in INDEXED_COLUMNS:
        _drop_sqlite_index(table)
        op.execute(_0002.sqlite_fts_table(table))
        for statement in _0002.sqlite_triggers(table):
            op.execute(statement)
        op.execute(f"INSERT INTO {fts_table(table)}({fts_table(table)}) VALUES ('rebuild')")


def _vectors(expression) -> None:
    for table in INDEXED_COLUMNS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {SEARCH_VECTOR}")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {SEARCH_VECTOR} tsvector GENERATED ALWAYS AS ({expression(table)}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_{SEARCH_VECTOR} ON {table} USING gin ({SEARCH_VECTOR})")


def _drop_sqlite_index(table: str) -> None:
    fts = fts_table(table)
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {fts}")
