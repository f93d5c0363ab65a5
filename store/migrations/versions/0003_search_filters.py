"""Search filters read from indexes on PostgreSQL: newest-first date indexes and the
generated ``search_keys`` column with its GIN index (see store/search_index.py). Nothing
changes on SQLite. Adding the column rewrites the three tables (about 40 s per 100,000
notifications on two busy cores).

Revision ID: 0003_search_filters
Revises: 0002_search
"""

from alembic import op

revision = "0003_search_filters"
down_revision = "0002_search"
branch_labels = None
depends_on = None

# As store/search_index.py said when this revision was written (a migration never reads live code).
SEARCH_KEYS = "search_keys"
# item table -> the columns tbtwatch_search_keys() reads: member, committee, HS, ICS, joint symbols
KEYED_COLUMNS: dict[str, tuple[str | None, ...]] = {
    "notification": ("member_code", "committee", "hs_codes", "ics_codes", "joint_symbols"),
    "standards_change": ("member_code", "committee", "hs_codes", "ics_codes", None),
    "intelligence_report": ("member_code", None, "hs_codes", None, None),
}
# item table -> its date column, indexed newest first (ix_<table>_search_newest)
NEWEST_FIRST = {"notification": "distribution_date", "standards_change": "published_date"}


def newest_first_index(table: str) -> str:
    return f"CREATE INDEX ix_{table}_search_newest ON {table} ({NEWEST_FIRST[table]} DESC NULLS LAST, id DESC)"


def postgresql_keys_expression(table: str) -> str:
    return "tbtwatch_search_keys(" + ", ".join(c or "NULL" for c in KEYED_COLUMNS[table]) + ")"


# member, committee (upper case), every prefix of each HS and ICS code (the empty one for ICS:
# "has any"), and the member of each joint symbol (G/TBT/N/UGA/200 -> m:UGA)
SEARCH_KEYS_FUNCTION = """
CREATE OR REPLACE FUNCTION tbtwatch_search_keys(member text, committee text, hs jsonb, ics jsonb,
                                                joint jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
SELECT coalesce(array_agg(DISTINCT key), '{}') FROM (
  SELECT 'm:' || member AS key WHERE member IS NOT NULL
  UNION ALL SELECT 'c:' || upper(committee) WHERE committee IS NOT NULL
  UNION ALL SELECT 'm:' || m[1]
    FROM jsonb_array_elements_text(coalesce(joint, '[]')) AS s, regexp_matches(s, '/N/([^/]+)/', 'g') AS m
  UNION ALL SELECT 'hs:' || left(c, n)
    FROM jsonb_array_elements_text(coalesce(hs, '[]')) AS c, generate_series(1, length(c)) AS n
  UNION ALL SELECT 'ics:' || left(c, n)
    FROM jsonb_array_elements_text(coalesce(ics, '[]')) AS c, generate_series(0, length(c)) AS n
) AS keys
$f$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(SEARCH_KEYS_FUNCTION)
    for table in KEYED_COLUMNS:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {SEARCH_KEYS} text[] "
            f"GENERATED ALWAYS AS ({postgresql_keys_expression(table)}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_{SEARCH_KEYS} ON {table} USING gin ({SEARCH_KEYS})")
    for table in NEWEST_FIRST:
        op.execute(newest_first_index(table))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in NEWEST_FIRST:
        op.execute(f"DROP INDEX ix_{table}_search_newest")
    for table in KEYED_COLUMNS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {SEARCH_KEYS}")
    op.execute("DROP FUNCTION tbtwatch_search_keys(text, text, jsonb, jsonb, jsonb)")
