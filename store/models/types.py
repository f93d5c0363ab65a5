"""Column types that behave the same on SQLite and PostgreSQL, and the largest id they hold."""

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import JSON, DateTime, Table, TypeDecorator, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

JsonType = JSON().with_variant(JSONB(), "postgresql")
ID_MAX = 2**31 - 1  # ids are 32-bit integers in the database


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes in, timezone-aware UTC datetimes out (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def json_list(**kwargs):
    """A JSON list column, empty by default."""
    return Field(default_factory=list, sa_type=JsonType, **kwargs)


def json_dict(**kwargs):
    """A JSON object column, empty by default."""
    return Field(default_factory=dict, sa_type=JsonType, **kwargs)


def timestamp(**kwargs):
    """A UTC timestamp column set to now when the row is made."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kwargs)


def optional_timestamp(**kwargs):
    """A UTC timestamp column that may be empty."""
    return Field(default=None, sa_type=UTCDateTime, **kwargs)


# Named constraints let Alembic alter them later (SQLite batch mode needs the names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_of(model: type[SQLModel]) -> Table:
    """The table of a table model (SQLModel sets ``__table__`` at run time, unseen by a type checker)."""
    return cast(Table, inspect(model).local_table)
