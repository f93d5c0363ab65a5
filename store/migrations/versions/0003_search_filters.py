"""Search filters read from indexes on PostgreSQL: newest-first date indexes and the
generated ``search_keys`` column with its GIN index (see store/search_index.py). Nothing
changes on SQLite. Adding the column rewrites the three tables (about 40 s per 100,000
notifications on two busy cores).

Revision ID: 0003_search_filters
Revises: 0002_search
"""

from alembic import op

from store.search_index import (
    KEYED_COLUMNS,
    NEWEST_FIRST,
    SEARCH_KEYS,
    newest_first_index,
    postgresql_keys_expression,
)

revision = "0003_search_filters"
down_revision = "0002_search"
branch_labels = None
depends_on = None

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
