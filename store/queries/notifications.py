"""Storing and reading WTO notifications."""

from sqlmodel import Session, col, select

from store.models import Notification, NotificationCreate
from store.queries.members import member_code, remember_spelling
from store.queries.upsert import Upserted, upsert_item
from store.symbols import parse_symbol

# The published fields besides the symbol, read as they are (a model_dump costs more than the
# rest of this function, in a crawl of a hundred thousand rows).
_CONTENT_FIELDS = tuple(name for name in NotificationCreate.model_fields if name != "symbol")


def notification_key_and_content(
    notification: NotificationCreate, *, source: str, external_id: str | None = None
) -> tuple[dict, dict]:
    """The natural key and the stored content of a notification: its canonical symbol, with
    base symbol, symbol kind and canonical member code derived here so every source agrees on
    them. A record published without a symbol is keyed by ``(source, external_id)`` instead.
    Needs no database: a crawl works it out while the database stores the batch before (the
    spelling of a member named without a code is kept with :func:`remember_member_spelling`)."""
    content = {name: getattr(notification, name) for name in _CONTENT_FIELDS}
    if notification.symbol:
        symbol = parse_symbol(notification.symbol)
        key: dict[str, str | None] = {"symbol": str(symbol)}
        content["committee"] = symbol.committee
        content["base_symbol"] = str(symbol.base)
        content["symbol_kind"] = symbol.kind
    elif external_id:
        key = {"symbol": None, "source": source, "external_id": external_id}
    else:
        raise ValueError("a notification needs a document symbol or an id of its source")
    content["joint_symbols"] = sorted({str(parse_symbol(s)) for s in notification.joint_symbols})
    content["member_code"] = notification.member_code or member_code(notification.member_name)
    return key, content


def remember_member_spelling(session: Session, *, notification: NotificationCreate) -> None:
    """Keep the member name of a notification published without a member code as a spelling."""
    if not notification.member_code:
        remember_spelling(session, published_name=notification.member_name)


def upsert_notification(
    session: Session,
    *,
    notification: NotificationCreate,
    source: str,
    external_id: str | None = None,
    raw: dict | None = None,
) -> Upserted:
    """Store a notification under its canonical symbol (see :func:`notification_key_and_content`)."""
    key, content = notification_key_and_content(notification, source=source, external_id=external_id)
    remember_member_spelling(session, notification=notification)
    return upsert_item(
        session,
        model=Notification,
        item_kind="notification",
        key=key,
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
