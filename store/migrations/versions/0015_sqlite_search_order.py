"""SQLite: each full-text index row's rowid is the item's place in the search's date order,
its day in the high 32 bits and its id in the low ones (store/search_index.py), instead of
the id alone.

FTS5 gives matches in rowid order, so a search sorted newest first reads the few matches
it shows and stops, and a date range is a rowid range. Before, it listed every match of
its words first (36,000 for ``battery`` among 100,000 notifications, 14 ms) to look each
row in date order up in the list. The three FTS5 tables are built again (about a minute
per 100,000 notifications). PostgreSQL is unchanged.

Revision ID: 0015_sqlite_search_order
Revises: 0014_search_vector_inline
"""

from importlib import import_module

from alembic import op

revision = "0015_sqlite_search_order"
down_revision = "0014_search_vector_inline"
branch_labels = None
depends_on = None

_0009 = import_module("store.migrations.versions.0009_search_stems")
INDEXED_COLUMNS = _0009.INDEXED_COLUMNS
FTS_COLUMNS = _0009.FTS_COLUMNS
fts_table = _0009.fts_table

# The index as store/search_index.py described it when this revision was written.
DATE_COLUMNS = {
    "notification": "distribution_date",
    "standards_change": "published_date",
    "intelligence_report": "published_at",
}


def sqlite_position(table: str, row: str) -> str:
    day = f"CAST(julianday(date({row}{DATE_COLUMNS[table]})) AS INTEGER)"
    return f"(coalesce({day}, 0) << 32) + {row}id"


def sqlite_index_rows(table: str) -> str:
    return (
        f"INSERT INTO {fts_table(table)}(rowid, {', '.join(FTS_COLUMNS)}) "
        f"SELECT {sqlite_position(table, '')}, {_0009._sqlite_values(table, '')} FROM {table}"
    )


def sqlite_triggers(table: str) -> list[str]:
    fts, names = fts_table(table), ", ".join([*INDEXED_COLUMNS[table], "language", DATE_COLUMNS[table]])
    values = f"{sqlite_position(table, 'new.')}, {_0009._sqlite_values(table, 'new.')}"
    insert = f"INSERT INTO {fts}(rowid, {', '.join(FTS_COLUMNS)}) VALUES ({values});"
    delete = f"DELETE FROM {fts} WHERE rowid = {sqlite_position(table, 'old.')};"
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN {delete} {insert} END",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _build(sqlite_triggers, sqlite_index_rows)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _build(_0009.sqlite_triggers, _0009.sqlite_index_rows)


def _build(triggers, index_rows) -> None:
    for table in INDEXED_COLUMNS:
        _0009._drop_sqlite_index(table)
        op.execute(_0009.sqlite_fts_table(table))
        for statement in triggers(table):
            op.execute(statement)
        op.execute(index_rows(table))
