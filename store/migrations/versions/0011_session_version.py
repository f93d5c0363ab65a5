"""A user's session version: session cookies carry it, and signing out or a password reset
bumps it, so the cookies issued before stop working at once instead of after 14 days.

Revision ID: 0011_session_version
Revises: 0010_change_series
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_session_version"
down_revision = "0010_change_series"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("app_user", "session_version")
