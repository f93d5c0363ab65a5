"""Figures of the dashboard: items per month by sector and by member, comment periods
closing soon."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import and_, exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.kinds import KINDS
from store.models import IntelligenceReport, Notification, SectorTag, StandardsChange

# (kind, model, the date an item counts on)
_DATED = tuple((kind.name, kind.model, kind.dated) for kind in KINDS.values())


def _month(column, dialect: str):
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _since(column, since: date):
    if column is col(IntelligenceReport.published_at):
        return column >= datetime.combine(since, time.min, tzinfo=UTC)
    return column >= since


def months_since(since: date, today: date | None = None) -> list[str]:
    """``YYYY-MM`` of every month from ``since`` to ``today``."""
    today = today or date.today()
    months, year, month = [], since.year, since.month
    while (year, month) <= (today.year, today.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def items_per_month_by_sector(session: Session, *, since: date) -> Counter:
    """(month, sector) -> number of items with that effective sector dated in that month."""
    dialect = session.get_bind().dialect.name
    human = aliased(SectorTag)
    counts: Counter = Counter()
    for kind, model, dated in _DATED:
        month = _month(dated, dialect)
        has_human = exists().where(
            col(human.item_kind) == kind, col(human.item_id) == col(SectorTag.item_id), col(human.origin) == "human"
        )
        statement = (
            select(month, SectorTag.sector, func.count(func.distinct(SectorTag.item_id)))
            .join(SectorTag, and_(col(SectorTag.item_kind) == kind, col(SectorTag.item_id) == col(model.id)))
            .where(
                _since(dated, since), col(SectorTag.decided).is_(True), (col(SectorTag.origin) == "human") | ~has_human
            )
            .group_by(month, SectorTag.sector)
        )
        statement = statement.where(KINDS[kind].counts())
        for month_value, sector, count in session.exec(statement):
            counts[(month_value, sector)] += count
    return counts


def items_per_month_by_member(session: Session, *, since: date) -> Counter:
    """(month, member code) -> number of items dated in that month."""
    dialect = session.get_bind().dialect.name
    counts: Counter = Counter()
    for kind, model, dated in _DATED:
        month = _month(dated, dialect)
        statement = (
            select(month, model.member_code, func.count())
            .where(_since(dated, since), col(model.member_code).is_not(None))
            .group_by(month, col(model.member_code))
        )
        statement = statement.where(KINDS[kind].counts())
        for month_value, member, count in session.exec(statement):
            counts[(month_value, member)] += count
    return counts


def closing_soon(session: Session, *, within_days: int = 30, limit: int = 20, today: date | None = None) -> list:
    """Notifications and changes whose comment period ends within ``within_days``, soonest first."""
    today = today or date.today()
    until = today + timedelta(days=within_days)
    items = _closing(session, Notification, today, until, limit) + _closing(
        session, StandardsChange, today, until, limit
    )
    return sorted(items, key=lambda item: item.comment_deadline or date.max)[:limit]  # never empty here


_WithDeadline = TypeVar("_WithDeadline", Notification, StandardsChange)


def _closing(session: Session, model: type[_WithDeadline], start: date, end: date, limit: int) -> list[_WithDeadline]:
    deadline = col(model.comment_deadline)
    return list(session.exec(select(model).where(deadline >= start, deadline <= end).order_by(deadline).limit(limit)))
