"""SQLite: the table ``search_key`` lists each item's member and HS keys (``m:CHN`` for its
member and each member of its joint symbols, ``hs:8``, ``hs:85``, … for every prefix of each
HS code it gives), kept by triggers through ``tbtwatch_filter_keys``, the Python function
store/db.py registers on every connection (store/search_index.py).

A member or HS filter reads the items it lets through from the key's primary key once, instead
of reading each full-text match's row and parsing its JSON lists: counting 1,000 matches of
``medical devices`` from Uganda among 100,000 notifications read some 14,000 rows.
PostgreSQL has the same keys in its ``search_keys`` column (migration 0003) and is unchanged.

Revision ID: 0016_sqlite_search_keys
Revises: 0015_sqlite_search_order
"""

from alembic import op

revision = "0016_sqlite_search_keys"
down_revision = "0015_sqlite_search_order"
branch_labels = None
depends_on = None

# The keys as store/search_index.py described them when this revision was written.
# item table -> the columns tbtwatch_filter_keys() reads: member, HS codes, joint symbols
KEYED_COLUMNS = {
    "notification": ("member_code", "hs_codes", "joint_symbols"),
    "standards_change": ("member_code", "hs_codes", None),
    "intelligence_report": ("member_code", "hs_codes", None),
}
KEYS = "search_key"


def _keys(table: str, row: str) -> str:
    return "tbtwatch_filter_keys(" + ", ".join(f"{row}{c}" if c else "NULL" for c in KEYED_COLUMNS[table]) + ")"


def sqlite_keys_table() -> str:
    return (
        f"CREATE TABLE {KEYS} (item_table TEXT NOT NULL, key TEXT NOT NULL, item_id INTEGER NOT NULL, "
        "PRIMARY KEY (item_table, key, item_id)) WITHOUT ROWID"
    )


def sqlite_index_keys(table: str) -> str:
    return f"INSERT INTO {KEYS} SELECT '{table}', k.value, t.id FROM {table} AS t, json_each({_keys(table, 't.')}) AS k"


def sqlite_key_triggers(table: str) -> list[str]:
    name, columns = f"{table}_keys", ", ".join(c for c in KEYED_COLUMNS[table] if c)
    insert = f"INSERT INTO {KEYS} SELECT '{table}', value, new.id FROM json_each({_keys(table, 'new.')});"
    delete = (
        f"DELETE FROM {KEYS} WHERE item_table = '{table}' AND item_id = old.id "
        f"AND key IN (SELECT value FROM json_each({_keys(table, 'old.')}));"
    )
    return [
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE OF {columns} ON {table} BEGIN {delete} {insert} END",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(sqlite_keys_table())
    for table in KEYED_COLUMNS:
        for statement in sqlite_key_triggers(table):
            op.execute(statement)
        op.execute(sqlite_index_keys(table))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in KEYED_COLUMNS:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER {table}_keys_{suffix}")
    op.execute(f"DROP TABLE {KEYS}")
