"""Subscription e-mail addresses are confirmed by their owner before any alert goes there;
addresses of subscriptions made before count as confirmed.

Revision ID: 0012_email_confirmation
Revises: 0011_session_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_email_confirmation"
down_revision = "0011_session_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("subscription", sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE subscription SET email_confirmed_at = created_at WHERE email IS NOT NULL")


def downgrade() -> None:
    op.drop_column("subscription", "email_confirmed_at")
