"""Fixtures shared by the whole suite: a migrated database (SQLite by default, PostgreSQL
when ``TBTWATCH_TEST_DATABASE_URL`` is set) emptied before each test, and settings that
point at it.

On PostgreSQL each test session creates a database of its own and drops it at the end,
so concurrent runs (and pytest-xdist workers) never see each other's rows.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from store.db import default_engine, make_engine
from store.migrate import upgrade
from store.settings import get_settings

# The browser fixtures are registered once for the whole suite: a second registration (a module
# importing them) would start a second Playwright, which refuses to start while the first one's
# event loop is marked running in this thread.
pytest_plugins = ["tests.service.browser.chromium"]


def pytest_report_header(config):
    url = os.environ.get("TBTWATCH_TEST_DATABASE_URL")
    return f"tbtwatch database: {make_url(url).get_backend_name() if url else 'sqlite'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    server_url = os.environ.get("TBTWATCH_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'tbtwatch.db'}"
        return
    name = f"tbtwatch_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def empty_database(engine: Engine) -> None:
    """Delete every row of every table, restarting identities."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in tables:
            connection.execute(table.delete())
        if connection.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
            connection.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def db_engine(engine) -> Engine:
    """The session engine, emptied for this test."""
    empty_database(engine)
    return engine


@pytest.fixture
def session(db_engine) -> Iterator[Session]:
    with Session(db_engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(db_engine, database_url, tmp_path, monkeypatch):
    """Settings for this test: its database, a private data folder, no scheduler."""
    monkeypatch.setenv("TBTWATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("TBTWATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TBTWATCH_SCHEDULER_ENABLED", "false")
    monkeypatch.setenv("TBTWATCH_SECRET_KEY", "test-secret")
    get_settings.cache_clear()
    default_engine.cache_clear()
    yield get_settings()
    if default_engine.cache_info().currsize:
        default_engine().dispose()
    default_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def dev_records() -> list[dict]:
    """The sample notifications (``nlp.samples``): 212 real ones, labelled by hand."""
    from nlp.samples import sample_records

    return sample_records()
