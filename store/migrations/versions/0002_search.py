"""Full-text search index: FTS5 trigram tables and triggers on SQLite, generated tsvector
columns with GIN indexes on PostgreSQL (see store/search_index.py).

Revision ID: 0002_search
Revises: 0001
"""

from alembic import op

revision = "0002_search"
down_revision = "0001"
branch_labels = None
depends_on = None

# What this revision indexed, as store/search_index.py said when it was written (a migration
# never reads live code: changing the index takes a migration of its own).
# item table -> its indexed text columns with their weight class (A counts most, then B, C)
INDEXED_COLUMNS: dict[str, dict[str, str]] = {
    "notification": {"symbol": "A", "title": "A", "products_text": "B", "keywords": "B", "description": "C"},
    "standards_change": {"reference": "A", "title": "A", "body": "B", "summary": "C"},
    "intelligence_report": {"title": "A", "products_text": "B", "text": "C"},
}
SEARCH_VECTOR = "search_vector"


def fts_table(table: str) -> str:
    return f"{table}_fts"


CJK = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+"

# Text outside CJK runs as it is, then each CJK run as unigram, bigram, unigram, ... in order
# (text without CJK characters skips the expansion).
SEARCH_TEXT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tbtwatch_search_text(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
SELECT CASE WHEN body !~ '{CJK}' THEN coalesce(body, '') ELSE
  regexp_replace(body, '{CJK}', ' ', 'g') || ' ' || coalesce((
    SELECT string_agg(grams.gram, ' ' ORDER BY runs.n, grams.i)
    FROM regexp_matches(body, '{CJK}', 'g') WITH ORDINALITY AS runs(m, n),
    LATERAL (SELECT i, substr(runs.m[1], (i + 1) / 2, 1 + (i + 1) % 2) AS gram
             FROM generate_series(1, 2 * length(runs.m[1]) - 1) AS i) AS grams
  ), '') END
$f$
"""


def postgresql_vector_expression(table: str) -> str:
    """The generated ``search_vector`` of ``table`` as this revision made it."""
    parts = []
    for weight in "ABC":
        columns = [c for c, w in INDEXED_COLUMNS[table].items() if w == weight]
        if columns:
            text = " || ' ' || ".join(f"coalesce({c}::text, '')" for c in columns)
            parts.append(f"setweight(to_tsvector('simple', tbtwatch_search_text({text})), '{weight}')")
    return " || ".join(parts)


def sqlite_fts_table(table: str) -> str:
    fts = fts_table(table)
    return (
        f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(INDEXED_COLUMNS[table])}, "
        f"content='{table}', content_rowid='id', tokenize='trigram')"
    )


def sqlite_triggers(table: str) -> list[str]:
    """The statements that kept this revision's trigram ``<table>_fts`` in step with ``table``."""
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SEARCH_TEXT_FUNCTION)
        for table in INDEXED_COLUMNS:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {SEARCH_VECTOR} tsvector "
                f"GENERATED ALWAYS AS ({postgresql_vector_expression(table)}) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_{SEARCH_VECTOR} ON {table} USING gin ({SEARCH_VECTOR})")
        return
    for table in INDEXED_COLUMNS:
        fts = fts_table(table)
        op.execute(sqlite_fts_table(table))
        for statement in sqlite_triggers(table):
            op.execute(statement)
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in INDEXED_COLUMNS:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {SEARCH_VECTOR}")
        op.execute("DROP FUNCTION tbtwatch_search_text(text)")
        return
    for table in INDEXED_COLUMNS:
        fts = fts_table(table)
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER {fts}_{suffix}")
        op.execute(f"DROP TABLE {fts}")
