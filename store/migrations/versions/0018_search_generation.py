"""PostgreSQL counts the writes that can change a search's answer: the sequence
``search_generation`` moves on after every statement that writes to an item table or to the
tags that search filters by (``store.queries.search_sets`` keeps sets of matching items for as
long as it has not moved). A sequence, not a row, so that concurrent writers never wait for
each other. SQLite is unchanged.

Revision ID: 0018_search_generation
Revises: 0016_sqlite_search_keys
"""

from alembic import op

revision = "0018_search_generation"
down_revision = "0016_sqlite_search_keys"
branch_labels = None
depends_on = None

TABLES = ("notification", "standards_change", "intelligence_report", "hs_tag", "sector_tag")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE search_generation")
    op.execute(
        "CREATE FUNCTION tbtwatch_search_changed() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN PERFORM nextval('search_generation'); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION tbtwatch_search_changed()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_search_changed ON {table}")
    op.execute("DROP FUNCTION tbtwatch_search_changed()")
    op.execute("DROP SEQUENCE search_generation")
