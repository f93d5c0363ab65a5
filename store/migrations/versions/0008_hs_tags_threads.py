"""HS tags with a score and a decision (one row per given or quoted code and per guessed
chapter) replace the classification's list of chapters; subscriptions get a purpose (an
account's followed notifications are a subscription of purpose ``follows``); accounts'
choices to follow or mute a notification's thread.

Existing classifications are carried over: a chapter of a code the item gives becomes that
code's ``given`` tag, any other chapter scored 1.0 a ``quoted`` one (the classifier scores
quoted codes 1.0), the rest ``model`` guesses, decided as the classifier decides: only when
the item has no code, from :data:`BACKFILL_DECIDES` (its threshold when this was written;
``tbtwatch classify --all`` re-decides them with the current one).

Revision ID: 0008_hs_tags_threads
Revises: 0007_repair_lone_surrogates
"""

import json
import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_hs_tags_threads"
down_revision = "0007_repair_lone_surrogates"
branch_labels = None
depends_on = None

BACKFILL_DECIDES = 0.5
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_ITEM_TABLES = {"notification": "notification", "change": "standards_change", "intelligence": "intelligence_report"}


def upgrade() -> None:
    op.create_table(
        "hs_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("decided", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hs_tag")),
        sa.UniqueConstraint("item_kind", "item_id", "code", name=op.f("uq_hs_tag_item_kind_item_id_code")),
    )
    op.create_index(op.f("ix_hs_tag_item_id"), "hs_tag", ["item_id"], unique=False)
    op.create_index(op.f("ix_hs_tag_code"), "hs_tag", ["code"], unique=False)
    _backfill_hs_tags()
    op.drop_column("item_classification", "hs_chapters")
    op.add_column(
        "subscription",
        sa.Column("purpose", sa.String(length=8), server_default="alerts", nullable=False),
    )
    op.create_table(
        "thread_choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread", sa.String(length=80), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_thread_choice_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_choice")),
        sa.UniqueConstraint("user_id", "thread", name=op.f("uq_thread_choice_user_id_thread")),
    )
    op.create_index(op.f("ix_thread_choice_user_id"), "thread_choice", ["user_id"], unique=False)
    op.create_index(op.f("ix_thread_choice_thread"), "thread_choice", ["thread"], unique=False)


def _backfill_hs_tags() -> None:
    connection = op.get_bind()
    classified = sa.table(
        "item_classification",
        sa.column("item_kind", sa.String),
        sa.column("item_id", sa.Integer),
        sa.column("hs_chapters", _JSON),
        sa.column("classified_at", sa.DateTime(timezone=True)),
    )
    hs_tag = sa.table(
        "hs_tag",
        *(sa.column(name, sa.String) for name in ("item_kind", "code", "origin")),
        sa.column("item_id", sa.Integer),
        sa.column("score", sa.Float),
        sa.column("decided", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    for kind, table_name in _ITEM_TABLES.items():
        items = sa.table(table_name, sa.column("id", sa.Integer), sa.column("hs_codes", _JSON))
        statement = (
            sa.select(classified.c.item_id, classified.c.hs_chapters, classified.c.classified_at, items.c.hs_codes)
            .join(items, items.c.id == classified.c.item_id)
            .where(classified.c.item_kind == kind)
        )
        rows = []
        for item_id, chapters, classified_at, codes in connection.execute(statement):
            tags = _tags(_as_list(chapters), _as_list(codes))
            rows += [
                {"item_kind": kind, "item_id": item_id, "created_at": classified_at, **tag} for tag in tags.values()
            ]
        for start in range(0, len(rows), 5000):
            connection.execute(sa.insert(hs_tag), rows[start : start + 5000])


def _as_list(value) -> list:
    return json.loads(value) if isinstance(value, str) else list(value or [])


def _tags(chapters: list, codes: list) -> dict[str, dict]:
    tags: dict[str, dict] = {}
    for code in codes:
        digits = re.sub(r"\D", "", str(code))[:10]
        if len(digits) >= 2:
            tags.setdefault(digits, {"code": digits, "score": 1.0, "decided": True, "origin": "given"})
    given_chapters = {code[:2] for code in tags}
    ranked = []
    for entry in chapters:
        chapter, score = (entry[0], entry[1]) if isinstance(entry, list) and len(entry) > 1 else (entry, 1.0)
        ranked.append((re.sub(r"\D", "", str(chapter))[:2].zfill(2), float(score)))
    has_codes = bool(tags) or any(score >= 1.0 for _, score in ranked)
    for chapter, score in ranked:
        if chapter in given_chapters or chapter in tags:
            continue
        quoted = score >= 1.0
        decided = quoted or (not has_codes and score >= BACKFILL_DECIDES)
        tags[chapter] = {"code": chapter, "score": score, "decided": decided, "origin": "quoted" if quoted else "model"}
    return tags


def downgrade() -> None:
    op.drop_index(op.f("ix_thread_choice_thread"), table_name="thread_choice")
    op.drop_index(op.f("ix_thread_choice_user_id"), table_name="thread_choice")
    op.drop_table("thread_choice")
    # SQLite drops a column in place since 3.35; a batch copy of the table would cascade-delete its alerts
    op.drop_column("subscription", "purpose")
    op.add_column("item_classification", sa.Column("hs_chapters", _JSON, server_default="[]", nullable=False))
    op.drop_index(op.f("ix_hs_tag_code"), table_name="hs_tag")
    op.drop_index(op.f("ix_hs_tag_item_id"), table_name="hs_tag")
    op.drop_table("hs_tag")
