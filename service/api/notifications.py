"""``/notifications``: search and list WTO notifications; one with its thread of addenda,
revisions and corrigenda, its sector tags and classification; following a notification or
muting its thread (``/notifications/{id}/thread``, :mod:`alerts.threads`)."""

from dataclasses import replace
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlmodel import Session

from alerts import threads
from service.api.deps import RowId, get_session, not_found, require
from service.api.schemas import Classified, classified
from service.api.search import SearchResults, run_search, search_query
from store.models import Notification, NotificationPublic, User
from store.queries.notifications import thread
from store.queries.search import SearchQuery

router = APIRouter(prefix="/notifications", tags=["notifications"])


class ThreadEntry(BaseModel):
    id: int
    symbol: str
    symbol_kind: str
    notification_type: str | None
    distribution_date: date | None


class NotificationDetail(NotificationPublic, Classified):
    thread: list[ThreadEntry]


@router.get("", response_model=SearchResults, summary="Search notifications")
def list_notifications(
    query: SearchQuery = Depends(search_query),
    _: User = Depends(require("search")),
):
    """The filters of ``GET /search``, notifications only."""
    return run_search(replace(query, kinds=("notification",)))


@router.get("/{notification_id}", response_model=NotificationDetail)
def get_notification(
    notification_id: RowId,
    _: User = Depends(require("search")),
    session: Session = Depends(get_session),
):
    row = session.get(Notification, notification_id)
    if row is None:
        raise not_found(f"notification {notification_id}")
    return {
        **row.model_dump(),
        "thread": [t.model_dump() for t in thread(session, base_symbol=row.base_symbol)] if row.base_symbol else [],
        **classified(session, item_kind="notification", item_id=row.id),
    }


class ThreadChoiceBody(BaseModel):
    choice: Literal["follow", "mute"] | None = None


class ThreadChoiceOut(BaseModel):
    notification_id: int
    thread: str
    choice: Literal["follow", "mute"] | None


def _thread_notification(session: Session, notification_id: int) -> Notification:
    try:
        return threads.thread_of(session, notification_id)
    except threads.ThreadError:
        raise not_found(f"notification {notification_id} (with a thread)") from None


@router.get("/{notification_id}/thread", response_model=ThreadChoiceOut, tags=["alerts"])
def get_thread_choice(
    notification_id: RowId, user: User = Depends(require("search")), session: Session = Depends(get_session)
):
    """Whether I follow this notification or muted its thread (``choice`` null: neither)."""
    row = _thread_notification(session, notification_id)
    choice = threads.current_choice(session, user, notification_id)
    return {"notification_id": notification_id, "thread": row.base_symbol, "choice": choice}


@router.put("/{notification_id}/thread", response_model=ThreadChoiceOut, tags=["alerts"])
def put_thread_choice(
    notification_id: RowId,
    body: ThreadChoiceBody,
    user: User = Depends(require("search")),
    session: Session = Depends(get_session),
):
    """Follow this notification (its addenda, revisions, corrigenda and deadline changes reach
    me even when no subscription matches), mute its thread (nothing more about it reaches me),
    or neither (``choice`` null)."""
    row = _thread_notification(session, notification_id)
    choice = threads.choose(session, user, notification_id, body.choice)
    session.commit()
    return {"notification_id": notification_id, "thread": row.base_symbol, "choice": choice}
