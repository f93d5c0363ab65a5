"""People's judgements of alerts (``alert_feedback``), the one-time links they follow
(``used_link``) and the training runs that learn from human labels (``training_run``).

Revision ID: 0006_alert_feedback
Revises: 0005_search_text_regex
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_alert_feedback"
down_revision = "0005_search_text_regex"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "alert_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("sectors", _JSON, nullable=False),
        sa.Column("subscribed_sectors", _JSON, nullable=False),
        sa.Column("link_nonce", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_alert_feedback_subscription_id_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_feedback")),
        sa.UniqueConstraint(
            "subscription_id", "item_kind", "item_id", name=op.f("uq_alert_feedback_subscription_id_item_kind_item_id")
        ),
    )
    with op.batch_alter_table("alert_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_feedback_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_feedback_subscription_id"), ["subscription_id"], unique=False)
    op.create_table(
        "used_link",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_used_link")),
    )
    op.create_table(
        "training_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("output", sa.String(length=500), nullable=False),
        sa.Column("staff_labels", sa.Integer(), nullable=False),
        sa.Column("feedback_labels", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_run")),
    )


def downgrade() -> None:
    op.drop_table("training_run")
    op.drop_table("used_link")
    op.drop_table("alert_feedback")
