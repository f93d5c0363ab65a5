"""``/subscriptions`` and ``/alerts``: an exporter's own subscriptions (create, edit, pause,
resume, delete, send a test) and the inbox of alerts they received. Nobody sees another
user's subscriptions or alerts (404). Matching and delivery belong to ``alerts``."""

from datetime import date as date_
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from alerts import subscriptions as use_case
from alerts.outbox import enqueue_test
from alerts.preview import EXAMPLES, TOO_MANY_PER_WEEK, preview
from service.api.deps import ID_MAX, Page, PageParams, RowId, get_session, not_found, page_params, paged, require
from store.models import Subscription, SubscriptionPublic, User
from store.queries.items import get_item, summary

router = APIRouter(tags=["subscriptions"])
subscriber = require("subscribe")


class SubscriptionFields(BaseModel):
    """Every selector list left empty selects everything. The rules (known sectors and
    members, code forms, channels, an e-mail address or a channel to deliver to) are those of
    :func:`alerts.subscriptions.checked`, the same for pages, API and CLI."""

    model_config = {"extra": "forbid"}
    name: str | None = None
    email: str | None = Field(None, description="Where e-mail alerts go.")
    channels: list[str] = Field([], description="Apprise URLs (dingtalk://, wecombot://, …) or https webhooks.")
    sectors: list[str] = Field([], description="Catalogue sector codes.")
    hs_prefixes: list[str] = Field([], description="HS code prefixes, 2 to 10 digits (85, 8507, 8507.60).")
    ics_prefixes: list[str] = Field([], description="ICS codes (13, 13.220, 13.220.20).")
    members: list[str] = Field([], description="Notifying members, by name or code; stored as codes.")
    committees: list[str] = Field([], description="TBT, SPS.")
    kinds: list[str] = Field([], description="notification, change, intelligence.")
    keywords: list[str] = []
    min_urgency: str = Field("low", description="low, medium or high.")
    frequency: str = Field("immediate", description="immediate, daily or weekly.")
    deliver_at: str = Field("08:00", description="Time of day of digests, HH:MM in `timezone`.")
    weekday: str = Field("mon", description="Day of weekly digests: mon … sun.")
    timezone: str = "Asia/Shanghai"
    language: str = Field("zh", description="zh or en.")
    reminder_days: list[int] = Field([14, 3], description="Days before a comment deadline to remind, 1 to 365.")


class SubscriptionPatch(BaseModel):
    """Any fields of a subscription (the result is checked as a whole); ``active`` pauses or resumes."""

    model_config = {"extra": "forbid"}
    name: str | None = None
    email: str | None = None
    channels: list[str] | None = None
    sectors: list[str] | None = None
    hs_prefixes: list[str] | None = None
    ics_prefixes: list[str] | None = None
    members: list[str] | None = None
    committees: list[str] | None = None
    kinds: list[str] | None = None
    keywords: list[str] | None = None
    min_urgency: str | None = None
    frequency: str | None = None
    deliver_at: str | None = None
    weekday: str | None = None
    timezone: str | None = None
    language: str | None = None
    reminder_days: list[int] | None = None
    active: bool | None = None


class SubscriptionOut(SubscriptionPublic):
    updated_at: datetime


class PreviewExample(BaseModel):
    kind: str
    id: int
    label: str
    title: str | None
    date: date_ | None
    url: str


class PreviewOut(BaseModel):
    """What a subscription would have received over the last ``days`` days."""

    days: int
    count: int
    per_week: float
    too_many: bool = Field(
        description=f"more than {TOO_MANY_PER_WEEK} a week: consider narrowing it "
        "(precise HS codes, markets, keywords or a higher minimum urgency)"
    )
    examples: list[PreviewExample] = Field(description=f"up to {EXAMPLES}, the most recent first")


def _own(session: Session, user: User, subscription_id: int) -> Subscription:
    row = use_case.own_subscription(session, user.id, subscription_id)
    if row is None:
        raise not_found(f"subscription {subscription_id}")
    return row


@router.get("/subscriptions", response_model=Page[SubscriptionOut])
def list_subscriptions(
    params: PageParams = Depends(page_params), user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    """My subscriptions, oldest first."""
    rows = use_case.subscriptions_of(session, user.id)
    return paged(rows[params.offset : params.offset + params.page_size], len(rows), params)


@router.post("/subscriptions", response_model=SubscriptionOut, status_code=201)
def create_subscription(
    body: SubscriptionFields, user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    row = use_case.create_subscription(session, body.model_dump(), user_id=user.id)
    session.commit()
    return row


@router.post("/subscriptions/preview", response_model=PreviewOut)
def preview_subscription(
    body: SubscriptionFields,
    request: Request,
    user: User = Depends(subscriber),
    session: Session = Depends(get_session),
):
    """How many alerts these selectors would have produced over the last 90 days, with up to
    five examples; nothing is saved. Where alerts would go is not needed. A preview without
    any selector is refused (422): it would be everything."""
    found = preview(session, body.model_dump(), today=date_.today())
    base = request.app.state.settings.base_url.rstrip("/")
    return PreviewOut(
        days=found.days,
        count=found.count,
        per_week=found.per_week,
        too_many=found.too_many,
        examples=[
            PreviewExample(
                kind=item.kind,
                id=item.id,
                label=item.label,
                title=item.title,
                date=item.dated,
                url=f"{base}/items/{item.kind}/{item.id}",
            )
            for item in found.examples
        ],
    )


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
def get_subscription(subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)):
    return _own(session, user, subscription_id)


@router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
def edit_subscription(
    subscription_id: RowId,
    body: SubscriptionPatch,
    user: User = Depends(subscriber),
    session: Session = Depends(get_session),
):
    """Change some fields; ``active: false`` pauses, ``true`` resumes."""
    row = _own(session, user, subscription_id)
    changes = body.model_dump(exclude_unset=True)
    active = changes.pop("active", None)
    use_case.update_subscription(session, row, changes)
    if active is not None:
        use_case.set_active(session, row, active)
    session.commit()
    return row


@router.post("/subscriptions/{subscription_id}/pause", response_model=SubscriptionOut)
def pause_subscription(
    subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    row = use_case.set_active(session, _own(session, user, subscription_id), False)
    session.commit()
    return row


@router.post("/subscriptions/{subscription_id}/resume", response_model=SubscriptionOut)
def resume_subscription(
    subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    row = use_case.set_active(session, _own(session, user, subscription_id), True)
    session.commit()
    return row


@router.delete("/subscriptions/{subscription_id}", status_code=204)
def delete_subscription(
    subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    use_case.delete_subscription(session, _own(session, user, subscription_id))
    session.commit()
    return Response(status_code=204)


@router.post("/subscriptions/{subscription_id}/test", status_code=202)
def send_test(subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)):
    """Queue a test message to every channel of the subscription."""
    enqueue_test(session, subscription=_own(session, user, subscription_id))
    session.commit()
    return {"detail": "test message queued"}


class AlertReason(BaseModel):
    """One of my subscriptions' alerts on an item: which subscription, and why it matched."""

    alert_id: int
    subscription_id: int
    subscription_name: str | None
    reason: str = Field(description="match, catch-up, follow-up, revision:N, …")
    why: dict = Field(description="What of the subscription matched (selector → values), or what changed.")
    created_at: datetime


class AlertOut(BaseModel):
    """One item of my inbox, once however many of my subscriptions matched it (as I got one
    message): ``reasons`` holds each of their alerts, newest first. ``id``, ``subscription_id``,
    ``reason``, ``why`` and ``created_at`` are the newest alert's; dismissing ``id`` dismisses
    the item."""

    id: int
    subscription_id: int
    item_kind: str
    item_id: int
    reason: str
    why: dict
    created_at: datetime
    dismissed_at: datetime | None
    reference: str | None = None
    title: str | None = None
    reasons: list[AlertReason]


def _alert_out(session: Session, entry: use_case.InboxEntry) -> dict:
    alert = entry.alert
    item = get_item(session, item_kind=alert.item_kind, item_id=alert.item_id)
    shown = summary(item) if item is not None else None
    return {
        **alert.model_dump(),
        "dismissed_at": entry.dismissed_at,
        "reference": shown and shown.reference,
        "title": shown and shown.title,
        "reasons": [
            {
                "alert_id": told.id,
                "subscription_id": told.subscription_id,
                "subscription_name": name,
                "reason": told.reason,
                "why": told.why,
                "created_at": told.created_at,
            }
            for told, name in entry.alerts
        ],
    }


@router.get("/alerts", response_model=Page[AlertOut], tags=["alerts"])
def list_alerts(
    dismissed: bool | None = Query(None, description="Only dismissed items (true) or not (false)."),
    subscription_id: int | None = Query(None, ge=1, le=ID_MAX, description="Only items this subscription matched."),
    params: PageParams = Depends(page_params),
    user: User = Depends(subscriber),
    session: Session = Depends(get_session),
):
    """My inbox: each item once, newest first, with the reasons of every subscription of mine
    that matched it."""
    entries, total = use_case.inbox(
        session,
        user.id,
        dismissed=dismissed,
        subscription_id=subscription_id,
        offset=params.offset,
        limit=params.page_size,
    )
    return paged([_alert_out(session, entry) for entry in entries], total, params)


@router.post("/alerts/{alert_id}/dismiss", response_model=AlertOut, tags=["alerts"])
def dismiss_alert(alert_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)):
    """Dismiss an item of my inbox (given any of its alerts)."""
    alert = use_case.own_alert(session, user.id, alert_id)
    if alert is None:
        raise not_found(f"alert {alert_id}")
    use_case.dismiss_alert(session, alert)
    session.commit()
    [entry] = use_case.inbox_entries(session, user.id, [(alert.item_kind, alert.item_id)])
    return _alert_out(session, entry)
