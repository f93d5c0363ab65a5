"""0008_hs_tags_threads: the chapters stored with each classification become HS tags with a
decision (given codes, quoted codes, model guesses), on both databases."""

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import MetaData, Table, select

from store.migrate import alembic_config, upgrade


def _downgrade(engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_stored_chapters_become_decided_tags(db_engine):
    _downgrade(db_engine, "0007_repair_lone_surrogates")
    made = datetime(2024, 5, 6, tzinfo=UTC)
    try:
        with db_engine.begin() as connection:
            notification = Table("notification", MetaData(), autoload_with=connection)
            classification = Table("item_classification", MetaData(), autoload_with=connection)
            ids = []
            for symbol, codes in (("G/SPS/N/BRA/1", ["1201.90"]), ("G/TBT/N/USA/2", []), ("G/TBT/N/USA/3", [])):
                ids.append(
                    connection.execute(
                        notification.insert()
                        .values(
                            symbol=symbol,
                            symbol_kind="regular",
                            source="import",
                            hs_codes=codes,
                            ics_codes=[],
                            objectives=[],
                            keywords=[],
                            countries_affected=[],
                            joint_symbols=[],
                            links=[],
                            raw={},
                            content_hash="",
                            first_seen_at=made,
                            last_changed_at=made,
                        )
                        .returning(notification.c.id)
                    ).scalar_one()
                )
            for item_id, chapters in zip(
                ids,
                (
                    [["12", 1.0], ["85", 0.086], ["23", 0.5]],
                    [["85", 0.998], ["90", 1.0], ["84", 0.1]],
                    [["85", 0.998], ["84", 0.1]],
                ),
                strict=True,
            ):
                connection.execute(
                    classification.insert().values(
                        item_kind="notification",
                        item_id=item_id,
                        edition="2003",
                        hs_chapters=chapters,
                        urgency="low",
                        urgency_reasons=[],
                        classified_at=made,
                    )
                )
    finally:
        upgrade(db_engine)
    with db_engine.connect() as connection:
        tags = Table("hs_tag", MetaData(), autoload_with=connection)
        rows = connection.execute(select(tags.c.item_id, tags.c.code, tags.c.origin, tags.c.decided)).all()
        after = Table("item_classification", MetaData(), autoload_with=connection)
    assert "hs_chapters" not in after.columns
    assert sorted((ids.index(i), code, origin, bool(decided)) for i, code, origin, decided in rows) == [
        (0, "120190", "given", True),
        (0, "23", "model", False),  # a guess never adds to a code the item gives
        (0, "85", "model", False),
        (1, "84", "model", False),
        (1, "85", "model", False),  # nor to one it quotes
        (1, "90", "quoted", True),
        (2, "84", "model", False),
        (2, "85", "model", True),
    ]
