"""What the command line lists (accounts, subscriptions, sources), read with SQLAlchemy Core.

Importing the SQLModel tables (and with them pydantic and the ORM) costs more than twice what
these commands cost without them (``bench/cli.py``: within 2x of ``import typer, sqlalchemy``
is the target), so the columns they show are named here as lightweight Core tables. Their
names and types are the tables' of :mod:`store.models`; ``tests/store/test_quick_lists.py``
checks that they still are. Rows read like the models (``row.email``).
"""

from sqlalchemy import JSON, Boolean, Connection, DateTime, Integer, Row, String, Text, column, select, table

users_table = table(
    "app_user",
    column("id", Integer),
    column("email", String),
    column("role", String),
    column("name", String),
    column("member_code", String),
    column("active", Boolean),
    column("created_at", DateTime(timezone=True)),
)
subscriptions_table = table(
    "subscription",
    column("id", Integer),
    column("active", Boolean),
    column("email", String),
    *(
        column(name, JSON)
        for name in ("channels", "sectors", "hs_prefixes", "ics_prefixes", "members", "committees", "kinds", "keywords")
    ),
    *(column(name, String) for name in ("min_urgency", "frequency", "deliver_at", "weekday", "timezone", "language")),
)
sources_table = table(
    "source",
    column("name", String),
    column("enabled", Boolean),
    column("interval_minutes", Integer),
    column("consecutive_failures", Integer),
    column("last_error", Text),
    *(column(name, DateTime(timezone=True)) for name in ("last_success_at", "last_error_at", "next_run_at")),
)


def list_users(connection: Connection, *, role: str | None = None) -> list[Row]:
    """Accounts by e-mail (of one role, if given)."""
    statement = select(users_table).order_by(users_table.c.email)
    if role:
        statement = statement.where(users_table.c.role == role)
    return list(connection.execute(statement))


def list_subscriptions(connection: Connection) -> list[Row]:
    return list(connection.execute(select(subscriptions_table).order_by(subscriptions_table.c.id)))


def list_sources(connection: Connection) -> list[Row]:
    return list(connection.execute(select(sources_table).order_by(sources_table.c.name)))
