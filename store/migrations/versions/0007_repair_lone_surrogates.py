"""Repair stored text holding lone surrogates (``"\\ud800"`` inside a JSON column), which made
every read of the row fail: each becomes U+FFFD.

Only SQLite can hold them, as escapes inside a JSON column's text (its text columns, like all of
PostgreSQL, refuse them), so on PostgreSQL there is nothing to do.

Revision ID: 0007_repair_lone_surrogates
Revises: 0006_alert_feedback
"""

import json
import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_repair_lone_surrogates"
down_revision = "0006_alert_feedback"
branch_labels = None
depends_on = None

# As store/unicode.py said when this revision was written (a migration never reads live code).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# A \uD800-\uDFFF escape in JSON text: the only way a stored JSON value can spell one.
ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
REPLACEMENT = "\ufffd"


def repaired(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {repaired(k): repaired(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [repaired(v) for v in value]
    return value


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            if not isinstance(column["type"], sa.JSON):
                continue
            name = column["name"]
            rows = bind.execute(
                sa.text(f'SELECT rowid, "{name}" FROM "{table}" WHERE "{name}" LIKE :escape'), {"escape": "%\\ud%"}
            )
            for rowid, stored in list(rows):
                if isinstance(stored, str) and ESCAPED_SURROGATE.search(stored):
                    fixed = json.dumps(repaired(json.loads(stored)))
                    bind.execute(
                        sa.text(f'UPDATE "{table}" SET "{name}" = :fixed WHERE rowid = :rowid'),
                        {"fixed": fixed, "rowid": rowid},
                    )


def downgrade() -> None:
    pass  # the repaired text stays repaired
