"""The Core tables of the command line's quick lists name columns of the real tables, with
types of the same kind, and read what the real write paths stored."""

import pytest
from sqlalchemy import JSON, Boolean, DateTime, Integer, String

from store.builtin_sources import BUILTIN_SOURCES
from store.db import session_scope
from store.models import Source, Subscription, User
from store.queries import quick_lists
from store.queries.sources import seed_sources
from store.queries.users import create_user

KINDS = (Boolean, Integer, DateTime, JSON, String)  # Text is a String


@pytest.mark.parametrize(
    ("quick", "model"),
    [
        (quick_lists.users_table, User),
        (quick_lists.subscriptions_table, Subscription),
        (quick_lists.sources_table, Source),
    ],
)
def test_the_quick_tables_are_the_real_ones(quick, model):
    real = model.__table__
    assert quick.name == real.name
    for column in quick.columns:
        assert column.name in real.c, column.name
        kind = next(kind for kind in KINDS if isinstance(column.type, kind))
        real_type = real.c[column.name].type
        assert isinstance(getattr(real_type, "impl", real_type), kind), column.name


def test_the_quick_lists_read_what_was_stored(db_engine):
    with session_scope(db_engine) as session:
        seed_sources(session)
        create_user(session, email="b@example.org", role="staff", password_hash="x")
        create_user(session, email="a@example.org", role="exporter", password_hash="x")
        session.add(Subscription(email="a@example.org", sectors=["EI"], token="t"))
    with db_engine.connect() as connection:
        assert [u.email for u in quick_lists.list_users(connection)] == ["a@example.org", "b@example.org"]
        [staff] = quick_lists.list_users(connection, role="staff")
        assert staff.active is True and staff.created_at.year > 2000
        [subscription] = quick_lists.list_subscriptions(connection)
        assert subscription.sectors == ["EI"] and subscription.channels == []
        names = [source.name for source in quick_lists.list_sources(connection)]
        assert names == sorted(builtin.name for builtin in BUILTIN_SOURCES)
