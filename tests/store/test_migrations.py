"""The migrations build exactly the schema the models describe, on both databases, from their
own text alone."""

import ast
import re
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from store import search_index
from store.migrate import is_current
from store.search_index import include_object  # the full-text index is not in the models

VERSIONS = Path(search_index.__file__).parent / "migrations" / "versions"
LIBRARIES = {"alembic", "sqlalchemy"}
EARLIER_REVISION = re.compile(r"store\.migrations\.versions\.\w+")


def test_migrated_schema_matches_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_database_is_at_head(engine):
    assert is_current(engine)


def test_migrations_carry_their_own_code():
    """A migration imports Alembic, SQLAlchemy, the standard library and earlier revisions, never
    our live code (or SQLModel's types): editing a module must not rewrite the schema's history."""
    found = []
    for path in sorted(VERSIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] if node.level == 0 else ["(relative)"]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "import_module":
                argument = node.args[0] if node.args else None
                named = isinstance(argument, ast.Constant) and EARLIER_REVISION.fullmatch(str(argument.value))
                modules = [] if named else [ast.unparse(node)]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in LIBRARIES and top not in sys.stdlib_module_names:
                    found.append(f"{path.name}: {module}")
    assert found == []


def test_search_index_is_the_one_store_search_index_describes(engine):
    """What the migrations built is what store.search_index writes with (the bulk insert
    recreates its trigger from it): a change there needs a migration that makes it so."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            built = dict(connection.execute(text("SELECT name, sql FROM sqlite_master")).all())
            described = {search_index.SQLITE_KEYS: search_index.sqlite_keys_table()}
            for table in search_index.GENERATION_TABLES:
                described.update((s.split()[2], s) for s in search_index.sqlite_generation_triggers(table))
            for table in search_index.INDEXED_COLUMNS:
                described[search_index.fts_table(table)] = search_index.sqlite_fts_table(table)
                triggers = search_index.sqlite_triggers(table) + search_index.sqlite_key_triggers(table)
                described.update((s.split()[2], s) for s in triggers)
            assert {name: built.get(name) for name in described} == described
            return
        with connection.begin():
            for table in search_index.INDEXED_COLUMNS:
                probe = f"probe_{table}"
                connection.execute(text(f"CREATE TEMP TABLE {probe} (LIKE {table})"))
                connection.execute(text(f"ALTER TABLE {probe} DROP COLUMN {search_index.SEARCH_VECTOR}"))
                connection.execute(text(f"ALTER TABLE {probe} DROP COLUMN {search_index.SEARCH_KEYS}"))
                connection.execute(
                    text(
                        f"ALTER TABLE {probe} ADD COLUMN {search_index.SEARCH_VECTOR} tsvector GENERATED ALWAYS AS "
                        f"({search_index.postgresql_vector_expression(table)}) STORED, "
                        f"ADD COLUMN {search_index.SEARCH_KEYS} text[] GENERATED ALWAYS AS "
                        f"({search_index.postgresql_keys_expression(table)}) STORED"
                    )
                )
                assert _generated(connection, probe) == _generated(connection, table)
                if table in search_index.NEWEST_FIRST:
                    connection.execute(
                        text(
                            search_index.newest_first_index(table)
                            .replace(f" ON {table} ", f" ON {probe} ")
                            .replace(f"ix_{table}", f"ix_{probe}")
                        )
                    )
                    assert _newest_first(connection, probe) == _newest_first(connection, table)
            connection.rollback()


def _generated(connection, table: str) -> dict[str, str]:
    rows = connection.execute(
        text(
            "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
            "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
            "WHERE d.adrelid = CAST(:table AS regclass) AND a.attgenerated = 's'"
        ),
        {"table": table},
    )
    return dict(rows.all())


def _newest_first(connection, table: str) -> str:
    definition = connection.execute(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"), {"name": f"ix_{table}_search_newest"}
    ).scalar_one()
    return definition.split(" USING ", 1)[1]
