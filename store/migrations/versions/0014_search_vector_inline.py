"""PostgreSQL keeps each item's ``search_vector`` in its row (storage ``MAIN``, compressed with
lz4 when the server has it) instead of the TOAST table.

A row of more than about 2 kB had its vector (its largest column) moved out of line, and
every row a search checks in date order read it back through the TOAST index: about 3 µs a
row, nine tenths of the database's CPU of a search over 100,000 notifications. Inline, the
check costs a small fraction of that; descriptions and raw records go out of line instead.
Existing rows are rewritten so that their vectors move in (about a minute per 100,000
notifications). SQLite is unchanged.

Revision ID: 0014_search_vector_inline
Revises: 0013_login_failures
"""

from alembic import op

revision = "0014_search_vector_inline"
down_revision = "0013_login_failures"
branch_labels = None
depends_on = None

TABLES = ("notification", "standards_change", "intelligence_report")


def _lz4() -> bool:
    setting = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    return bool(op.get_bind().exec_driver_sql(setting).scalar())


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    lz4 = _lz4()
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE MAIN")
        if lz4:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET COMPRESSION lz4")
        op.execute(f"UPDATE {table} SET id = id")  # writes every row again, its vector inline


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE EXTENDED")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET COMPRESSION default")
