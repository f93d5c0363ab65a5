"""SQLite: each full-text index table gets a fourth column, ``k``, with the item's member and
committee keys as tokens (``m:CHN`` for its member and each member of its joint symbols,
``c:TBT`` for its committee in upper case; each key as the hex digits of its UTF-8 bytes, one
token), filled through ``tbtwatch_fts_keys``, the Python function store/db.py registers on
every connection (store/search_index.py).

A search with words then puts its member and committee filters in its full-text query, whose
lists of rows FTS5 merges, instead of testing each match: counting 1,000 matches of
``battery`` from Uganda among 100,000 notifications read some 14,000 of them. The three FTS5
tables are built again (about a minute per 100,000 notifications). PostgreSQL is unchanged.

Revision ID: 0020_sqlite_search_key_column
Revises: 0019_sqlite_search_generation
"""

from importlib import import_module

from alembic import op

revision = "0020_sqlite_search_key_column"
down_revision = "0019_sqlite_search_generation"
branch_labels = None
depends_on = None

_0015 = import_module("store.migrations.versions.0015_sqlite_search_order")
_0009 = _0015._0009
INDEXED_COLUMNS = _0015.INDEXED_COLUMNS
fts_table = _0015.fts_table

# The index as store/search_index.py described it when this revision was written.
COLUMNS = ("a", "b", "c", "k")
# item table -> the columns tbtwatch_fts_keys() reads: member, committee, joint symbols
KEYED_COLUMNS = {
    "notification": ("member_code", "committee", "joint_symbols"),
    "standards_change": ("member_code", "committee", None),
    "intelligence_report": ("member_code", None, None),
}


def _values(table: str, row: str) -> str:
    keyed = ", ".join(f"{row}{c}" if c else "NULL" for c in KEYED_COLUMNS[table])
    return f"{_0009._sqlite_values(table, row)}, tbtwatch_fts_keys({keyed})"


def sqlite_fts_table(table: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE {fts_table(table)} USING fts5({', '.join(COLUMNS)}, tokenize='{_0009.SQLITE_TOKENIZER}')"
    )


def sqlite_index_rows(table: str) -> str:
    return (
        f"INSERT INTO {fts_table(table)}(rowid, {', '.join(COLUMNS)}) "
        f"SELECT {_0015.sqlite_position(table, '')}, {_values(table, '')} FROM {table}"
    )


def sqlite_triggers(table: str) -> list[str]:
    keyed = [c for c in KEYED_COLUMNS[table] if c]
    fts = fts_table(table)
    names = ", ".join([*INDEXED_COLUMNS[table], "language", _0015.DATE_COLUMNS[table], *keyed])
    values = f"{_0015.sqlite_position(table, 'new.')}, {_values(table, 'new.')}"
    insert = f"INSERT INTO {fts}(rowid, {', '.join(COLUMNS)}) VALUES ({values});"
    delete = f"DELETE FROM {fts} WHERE rowid = {_0015.sqlite_position(table, 'old.')};"
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN {delete} {insert} END",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in INDEXED_COLUMNS:
        _0009._drop_sqlite_index(table)
        op.execute(sqlite_fts_table(table))
        for statement in sqlite_triggers(table):
            op.execute(statement)
        op.execute(sqlite_index_rows(table))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _0015._build(_0015.sqlite_triggers, _0015.sqlite_index_rows)
