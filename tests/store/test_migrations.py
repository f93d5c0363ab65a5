"""The migrations build exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from store.migrate import is_current
from store.search_index import include_object  # the full-text index is not in the models


def test_migrated_schema_matches_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_database_is_at_head(engine):
    assert is_current(engine)
