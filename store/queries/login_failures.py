"""Counts of failed sign-ins per account and per client address, shared by every process.

:func:`lock_failures` reads the counts with an UPSERT, which also locks the rows (on SQLite,
the database) until the transaction ends, so that a check and the count that follows it are
one step for every process and thread: parallel attempts cannot all pass before any is
counted. Keys are locked in one order, so two attempts never wait for each other in a cycle.
:func:`forget_old_failures` deletes stale counts, skipping (on PostgreSQL) those a sign-in holds.
"""

from sqlalchemy import case, delete, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from store.db import rows_affected
from store.models import LoginFailure
from store.models.types import table_of

Key = tuple[str, str]  # (scope, key)


def lock_failures(session: Session, keys: list[Key], *, now: float, window: float) -> dict[Key, tuple[int, float]]:
    """(failures, time of the last) for each key, locked until the transaction ends; a count
    whose last failure is older than ``window`` seconds starts again from nothing."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = table_of(LoginFailure)
    found = {}
    for scope, key in sorted(keys):
        statement = dialect.insert(table).values(scope=scope, key=key, failures=0, last_at=0.0)
        statement = statement.on_conflict_do_update(
            index_elements=["scope", "key"],
            set_={"failures": case((table.c.last_at <= now - window, 0), else_=table.c.failures)},
        ).returning(table.c.failures, table.c.last_at)
        failures, last_at = session.execute(statement).one()
        found[(scope, key)] = (failures, last_at)
    return found


def count_failure(session: Session, keys: list[Key], *, now: float) -> None:
    session.execute(
        update(LoginFailure)
        .where(tuple_(col(LoginFailure.scope), col(LoginFailure.key)).in_(keys))
        .values(failures=col(LoginFailure.failures) + 1, last_at=now)
    )


def forget_failures(session: Session, keys: list[Key] | None = None) -> None:
    """Clear the counts of ``keys`` (all of them when None)."""
    statement = delete(LoginFailure)
    if keys is not None:
        statement = statement.where(tuple_(col(LoginFailure.scope), col(LoginFailure.key)).in_(keys))
    session.execute(statement)


def forget_old_failures(session: Session, *, last_before: float, batch: int) -> int:
    """Delete up to ``batch`` counts whose last failure is at or before ``last_before`` (those that
    :func:`lock_failures` would start again from nothing); the number deleted. On PostgreSQL
    the rows a sign-in holds are skipped (``FOR UPDATE SKIP LOCKED``), so this never waits for
    one nor deadlocks with it; SQLite, which has one writer at a time and no row locks, renders
    no ``FOR UPDATE`` and deletes in one short statement."""
    key = tuple_(col(LoginFailure.scope), col(LoginFailure.key))
    stale = (
        select(col(LoginFailure.scope), col(LoginFailure.key))
        .where(col(LoginFailure.last_at) <= last_before)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return rows_affected(session.execute(delete(LoginFailure).where(key.in_(stale))))
