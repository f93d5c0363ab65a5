"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 22:59:00.904604
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("member_code", sa.String(length=8), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_email"), ["email"], unique=True)

    op.create_table(
        "catalogue_edition",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column(
            "content", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_catalogue_edition")),
    )
    op.create_table(
        "item_classification",
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=40), nullable=False),
        sa.Column(
            "hs_chapters", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("urgency", sa.String(length=8), nullable=False),
        sa.Column(
            "urgency_reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("item_kind", "item_id", name=op.f("pk_item_classification")),
    )
    with op.batch_alter_table("item_classification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_classification_matched_at"), ["matched_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_classification_urgency"), ["urgency"], unique=False)

    op.create_table(
        "item_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "changes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_revision")),
    )
    with op.batch_alter_table("item_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_revision_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_revision_item_kind"), ["item_kind"], unique=False)

    op.create_table(
        "member",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("eping_id", sa.String(length=8), nullable=True),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("eu_member", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_member")),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_eping_id"), ["eping_id"], unique=False)

    op.create_table(
        "notification",
        sa.Column("symbol", sa.String(length=80), nullable=True),
        sa.Column("base_symbol", sa.String(length=80), nullable=True),
        sa.Column("symbol_kind", sa.String(length=16), nullable=False),
        sa.Column("committee", sa.String(length=3), nullable=True),
        sa.Column("member_code", sa.String(length=8), nullable=True),
        sa.Column("member_name", sa.String(length=200), nullable=True),
        sa.Column("notification_type", sa.String(length=120), nullable=True),
        sa.Column("distribution_date", sa.Date(), nullable=True),
        sa.Column("comment_deadline", sa.Date(), nullable=True),
        sa.Column("proposed_adoption_date", sa.Date(), nullable=True),
        sa.Column("proposed_adoption_text", sa.String(length=500), nullable=True),
        sa.Column("entry_into_force_date", sa.Date(), nullable=True),
        sa.Column("entry_into_force_text", sa.String(length=500), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("products_text", sa.Text(), nullable=True),
        sa.Column(
            "hs_codes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "ics_codes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "objectives", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "keywords", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "countries_affected",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("all_trading_partners", sa.Boolean(), nullable=True),
        sa.Column(
            "joint_symbols",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column(
            "links", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("external_id", sa.String(length=60), nullable=True),
        sa.Column("raw", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_base_symbol"), ["base_symbol"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_comment_deadline"), ["comment_deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_committee"), ["committee"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_distribution_date"), ["distribution_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_external_id"), ["external_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_first_seen_at"), ["first_seen_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_member_code"), ["member_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_symbol"), ["symbol"], unique=True)

    op.create_table(
        "source",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("spider", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("body", sa.String(length=120), nullable=True),
        sa.Column(
            "options", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_source")),
    )
    op.create_table(
        "standards_change",
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("member_code", sa.String(length=8), nullable=True),
        sa.Column("committee", sa.String(length=120), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=True),
        sa.Column(
            "ics_codes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "hs_codes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "agencies", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("published_date", sa.Date(), nullable=True),
        sa.Column("comment_deadline", sa.Date(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("raw", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standards_change")),
        sa.UniqueConstraint("source", "external_id", "kind", name=op.f("uq_standards_change_source_external_id_kind")),
    )
    with op.batch_alter_table("standards_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_standards_change_body"), ["body"], unique=False)
        batch_op.create_index(batch_op.f("ix_standards_change_comment_deadline"), ["comment_deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_standards_change_first_seen_at"), ["first_seen_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_standards_change_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_standards_change_member_code"), ["member_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_standards_change_published_date"), ["published_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_standards_change_source"), ["source"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_api_token_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("target_kind", sa.String(length=40), nullable=True),
        sa.Column("target_id", sa.String(length=80), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_audit_entry_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_user_id"), ["user_id"], unique=False)

    op.create_table(
        "crawl_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "args", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("items_new", sa.Integer(), nullable=False),
        sa.Column("items_updated", sa.Integer(), nullable=False),
        sa.Column("items_unchanged", sa.Integer(), nullable=False),
        sa.Column("items_rejected", sa.Integer(), nullable=False),
        sa.Column(
            "rejects", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["source"], ["source.name"], name=op.f("fk_crawl_run_source_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_run")),
    )
    with op.batch_alter_table("crawl_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crawl_run_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_crawl_run_started_at"), ["started_at"], unique=False)

    op.create_table(
        "intelligence_report",
        sa.Column("member_code", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("products_text", sa.Text(), nullable=True),
        sa.Column(
            "hs_codes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "links", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["app_user.id"], name=op.f("fk_intelligence_report_author_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intelligence_report")),
    )
    with op.batch_alter_table("intelligence_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intelligence_report_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intelligence_report_member_code"), ["member_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_intelligence_report_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_intelligence_report_status"), ["status"], unique=False)

    op.create_table(
        "member_spelling",
        sa.Column("spelling", sa.String(length=200), nullable=False),
        sa.Column("member_code", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["member_code"], ["member.code"], name=op.f("fk_member_spelling_member_code_member")),
        sa.PrimaryKeyConstraint("spelling", name=op.f("pk_member_spelling")),
    )
    with op.batch_alter_table("member_spelling", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_spelling_member_code"), ["member_code"], unique=False)

    op.create_table(
        "sector_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("decided", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("edition", sa.String(length=40), nullable=False),
        sa.Column(
            "reasons", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["app_user.id"], name=op.f("fk_sector_tag_author_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sector_tag")),
        sa.UniqueConstraint(
            "item_kind",
            "item_id",
            "edition",
            "origin",
            "sector",
            name=op.f("uq_sector_tag_item_kind_item_id_edition_origin_sector"),
        ),
    )
    with op.batch_alter_table("sector_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sector_tag_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sector_tag_sector"), ["sector"], unique=False)

    op.create_table(
        "subscription",
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column(
            "channels", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "sectors", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "hs_prefixes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "ics_prefixes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "members", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "committees", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "kinds", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "keywords", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("min_urgency", sa.String(length=8), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("deliver_at", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=60), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column(
            "reminder_days",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_subscription_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("token", name=op.f("uq_subscription_token")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscription_user_id"), ["user_id"], unique=False)

    op.create_table(
        "triage",
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("comment_text", sa.Text(), nullable=True),
        sa.Column("comment_sent_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["app_user.id"], name=op.f("fk_triage_assignee_id_app_user")),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"], name=op.f("fk_triage_updated_by_app_user")),
        sa.PrimaryKeyConstraint("item_kind", "item_id", name=op.f("pk_triage")),
    )
    with op.batch_alter_table("triage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_status"), ["status"], unique=False)

    op.create_table(
        "triage_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["app_user.id"], name=op.f("fk_triage_note_author_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_note")),
    )
    with op.batch_alter_table("triage_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_note_item_id"), ["item_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("follows_alert_id", sa.Integer(), nullable=True),
        sa.Column("why", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["follows_alert_id"], ["alert.id"], name=op.f("fk_alert_follows_alert_id_alert")),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_alert_subscription_id_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint(
            "subscription_id",
            "item_kind",
            "item_id",
            "reason",
            name=op.f("uq_alert_subscription_id_item_kind_item_id_reason"),
        ),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_subscription_id"), ["subscription_id"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["intelligence_report.id"],
            name=op.f("fk_attachment_report_id_intelligence_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_report_id"), ["report_id"], unique=False)

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "alert_ids", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_delivery_subscription_id_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_delivery_idempotency_key")),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_next_attempt_at"), ["next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_subscription_id"), ["subscription_id"], unique=False)

    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["delivery.id"], name=op.f("fk_delivery_attempt_delivery_id_delivery"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempt")),
    )
    with op.batch_alter_table("delivery_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_attempt_delivery_id"), ["delivery_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_attempt_delivery_id"))

    op.drop_table("delivery_attempt")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_status"))
        batch_op.drop_index(batch_op.f("ix_delivery_next_attempt_at"))

    op.drop_table("delivery")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_report_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_alert_item_id"))
        batch_op.drop_index(batch_op.f("ix_alert_created_at"))

    op.drop_table("alert")
    with op.batch_alter_table("triage_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_note_item_id"))

    op.drop_table("triage_note")
    with op.batch_alter_table("triage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_status"))
        batch_op.drop_index(batch_op.f("ix_triage_assignee_id"))

    op.drop_table("triage")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_user_id"))

    op.drop_table("subscription")
    with op.batch_alter_table("sector_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sector_tag_sector"))
        batch_op.drop_index(batch_op.f("ix_sector_tag_item_id"))

    op.drop_table("sector_tag")
    with op.batch_alter_table("member_spelling", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_spelling_member_code"))

    op.drop_table("member_spelling")
    with op.batch_alter_table("intelligence_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intelligence_report_status"))
        batch_op.drop_index(batch_op.f("ix_intelligence_report_published_at"))
        batch_op.drop_index(batch_op.f("ix_intelligence_report_member_code"))
        batch_op.drop_index(batch_op.f("ix_intelligence_report_author_id"))

    op.drop_table("intelligence_report")
    with op.batch_alter_table("crawl_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_run_started_at"))
        batch_op.drop_index(batch_op.f("ix_crawl_run_source"))

    op.drop_table("crawl_run")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))

    op.drop_table("audit_entry")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("standards_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standards_change_source"))
        batch_op.drop_index(batch_op.f("ix_standards_change_published_date"))
        batch_op.drop_index(batch_op.f("ix_standards_change_member_code"))
        batch_op.drop_index(batch_op.f("ix_standards_change_kind"))
        batch_op.drop_index(batch_op.f("ix_standards_change_first_seen_at"))
        batch_op.drop_index(batch_op.f("ix_standards_change_comment_deadline"))
        batch_op.drop_index(batch_op.f("ix_standards_change_body"))

    op.drop_table("standards_change")
    op.drop_table("source")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_symbol"))
        batch_op.drop_index(batch_op.f("ix_notification_source"))
        batch_op.drop_index(batch_op.f("ix_notification_member_code"))
        batch_op.drop_index(batch_op.f("ix_notification_first_seen_at"))
        batch_op.drop_index(batch_op.f("ix_notification_external_id"))
        batch_op.drop_index(batch_op.f("ix_notification_distribution_date"))
        batch_op.drop_index(batch_op.f("ix_notification_committee"))
        batch_op.drop_index(batch_op.f("ix_notification_comment_deadline"))
        batch_op.drop_index(batch_op.f("ix_notification_base_symbol"))

    op.drop_table("notification")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_eping_id"))

    op.drop_table("member")
    with op.batch_alter_table("item_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_revision_item_kind"))
        batch_op.drop_index(batch_op.f("ix_item_revision_item_id"))

    op.drop_table("item_revision")
    with op.batch_alter_table("item_classification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_classification_urgency"))
        batch_op.drop_index(batch_op.f("ix_item_classification_matched_at"))

    op.drop_table("item_classification")
    op.drop_table("catalogue_edition")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_email"))

    op.drop_table("app_user")
