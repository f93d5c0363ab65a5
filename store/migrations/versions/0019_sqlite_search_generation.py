"""SQLite counts the writes that can change a search's answer, as PostgreSQL does since
``0018_search_generation``: the one row of ``search_generation`` counts up with every row
written to an item table or to the tags search filters by (``store.queries.search_sets``
keeps sets of matching items for as long as it has not moved). A row, updated in the writer's
own transaction: SQLite has one writer at a time, and a reader sees the count and the rows
that made it together. PostgreSQL is unchanged.

A later migration that makes SQLite recreate one of these tables drops its triggers: it
creates them again (its copy of :data:`TRIGGERS`).

Revision ID: 0019_sqlite_search_generation
Revises: 0018_search_generation
"""

from alembic import op

revision = "0019_sqlite_search_generation"
down_revision = "0018_search_generation"
branch_labels = None
depends_on = None

TABLES = ("notification", "standards_change", "intelligence_report", "hs_tag", "sector_tag")
TRIGGERS = [
    f"CREATE TRIGGER {table}_search_changed_{event[0].lower()} AFTER {event} ON {table} "
    "BEGIN UPDATE search_generation SET n = n + 1; END"
    for table in TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE search_generation (n INTEGER NOT NULL)")
    op.execute("INSERT INTO search_generation (n) VALUES (0)")
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger.split()[2]}")
    op.execute("DROP TABLE search_generation")
