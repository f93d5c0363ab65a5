"""0004_digest_weekday: subscriptions made before it keep their Monday digests, on both databases."""

from datetime import datetime

from alembic import command
from sqlalchemy import MetaData, Table, select

from store.migrate import alembic_config, upgrade


def _downgrade(engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_existing_subscriptions_keep_monday(db_engine):
    _downgrade(db_engine, "0003_search_filters")
    made = datetime(2024, 5, 6)
    try:
        with db_engine.begin() as connection:
            before = Table("subscription", MetaData(), autoload_with=connection)
            assert "weekday" not in before.columns
            connection.execute(
                before.insert().values(
                    channels=[],
                    sectors=[],
                    hs_prefixes=[],
                    ics_prefixes=[],
                    members=[],
                    committees=[],
                    kinds=[],
                    keywords=[],
                    min_urgency="low",
                    frequency="weekly",
                    deliver_at="08:00",
                    timezone="Asia/Shanghai",
                    language="zh",
                    reminder_days=[14, 3],
                    active=True,
                    token="old",
                    created_at=made,
                    updated_at=made,
                )
            )
    finally:
        upgrade(db_engine)
    with db_engine.connect() as connection:
        after = Table("subscription", MetaData(), autoload_with=connection)
        assert connection.execute(select(after.c.weekday)).scalars().all() == ["mon"]
