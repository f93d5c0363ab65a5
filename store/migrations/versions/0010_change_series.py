"""The series a standards or regulation change was published in (the Official Journal of the
EU's L or C series); empty for sources without series.

Revision ID: 0010_change_series
Revises: 0009_search_stems
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_change_series"
down_revision = "0009_search_stems"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("standards_change", sa.Column("series", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("standards_change", "series")
