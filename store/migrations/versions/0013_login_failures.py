"""Failed sign-ins are counted in the database, so every web process sees the same counts.

Revision ID: 0013_login_failures
Revises: 0012_email_confirmation
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_login_failures"
down_revision = "0012_email_confirmation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("scope", sa.String(length=8), primary_key=True),
        sa.Column("key", sa.String(length=320), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_failure")
