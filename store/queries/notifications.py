"""Storing and reading WTO notifications."""

from sqlmodel import Session, col, select

from store.models import Notification, NotificationCreate
from store.queries.members import member_code
from store.queries.upsert import Upserted, upsert_item
from store.symbols import parse_symbol


def upsert_notification(
    session: Session,
    *,
    notification: NotificationCreate,
    source: str,
    external_id: str | None = None,
    raw: dict | None = None,
) -> Upserted:
    """Store a notification under its canonical symbol, with its base symbol, symbol kind
    and canonical member code derived here so every source agrees on them."""
    symbol = parse_symbol(notification.symbol)
    content = notification.model_dump(exclude={"symbol", "base_symbol", "symbol_kind"})
    content["committee"] = symbol.committee
    content["base_symbol"] = str(symbol.base)
    content["symbol_kind"] = symbol.kind
    content["joint_symbols"] = sorted({str(parse_symbol(s)) for s in notification.joint_symbols})
    content["member_code"] = notification.member_code or member_code(
        session, published_name=notification.member_name
    )
    return upsert_item(
        session,
        model=Notification,
        item_kind="notification",
        key={"symbol": str(symbol)},
        content=content,
        extra={"source": source, "external_id": external_id, "raw": raw or {}},
        source=source,
    )


def latest_notifications(session: Session, *, limit: int = 50) -> list[Notification]:
    """The most recently distributed notifications, newest first."""
    statement = (
        select(Notification)
        .order_by(col(Notification.distribution_date).desc().nulls_last(), col(Notification.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))


def thread(session: Session, *, base_symbol: str) -> list[Notification]:
    """A notification with its addenda, revisions and corrigenda, in symbol order."""
    statement = select(Notification).where(Notification.base_symbol == base_symbol)
    return sorted(session.exec(statement), key=lambda n: (n.symbol_kind != "regular", n.symbol))
