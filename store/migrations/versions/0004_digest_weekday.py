"""The day of the week of a subscription's weekly digests; subscriptions made before keep
Monday through the column's server default.

Revision ID: 0004_digest_weekday
Revises: 0003_search_filters
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_digest_weekday"
down_revision = "0003_search_filters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "subscription",
        sa.Column("weekday", sa.String(length=3), server_default="mon", nullable=False),
    )


def downgrade() -> None:
    # SQLite drops a column in place since 3.35; a batch copy of the table would cascade-delete its alerts
    op.drop_column("subscription", "weekday")
