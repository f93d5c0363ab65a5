"""``/subscriptions`` and ``/alerts``: an exporter's own subscriptions (create, edit, pause,
resume, delete, send a test) and the inbox of alerts they received. Nobody sees another
user's subscriptions or alerts (404). Matching and delivery belong to ``alerts``."""

import re
import secrets
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from sqlalchemy import func
from sqlmodel import Session, col, select

from alerts.outbox import enqueue_test
from alerts.subscriptions import SubscriptionError, check_channels
from service.api.deps import ID_MAX, Page, PageParams, RowId, get_session, not_found, page_params, paged, require
from store.models import (
    FREQUENCIES,
    ITEM_KINDS,
    URGENCY_LEVELS,
    WEEKDAYS,
    Alert,
    Subscription,
    SubscriptionPublic,
    User,
)
from store.models.types import utcnow
from store.queries.items import get_item, summary

router = APIRouter(tags=["subscriptions"])
subscriber = require("subscribe")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _channel_ok(url: str) -> bool:
    try:
        from alerts.channels import valid_channel
    except ImportError:
        return bool(re.match(r"^[a-z][a-z0-9+.-]*://\S+$|^mailto:\S+@\S+$", url))
    return valid_channel(url)


def _check_channels(channels: list[str], user: User) -> None:
    try:
        check_channels(channels, trusted=user.role == "admin")
    except SubscriptionError as error:
        raise HTTPException(422, str(error)) from None


class SubscriptionFields(BaseModel):
    """Every selector list left empty selects everything."""

    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320, description="Where e-mail alerts go.")
    channels: list[str] = Field([], max_length=20, description="Apprise URLs or webhooks.")
    sectors: list[str] = Field([], max_length=50)
    hs_prefixes: list[str] = Field([], max_length=200)
    ics_prefixes: list[str] = Field([], max_length=200)
    members: list[str] = Field([], max_length=200)
    committees: list[Literal["TBT", "SPS"]] = []
    kinds: list[Literal[ITEM_KINDS]] = []  # type: ignore[valid-type]
    keywords: list[str] = Field([], max_length=100)
    min_urgency: Literal[URGENCY_LEVELS] = "low"  # type: ignore[valid-type]
    frequency: Literal[FREQUENCIES] = "immediate"  # type: ignore[valid-type]
    deliver_at: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    weekday: Literal[WEEKDAYS] = Field("mon", description="Day of weekly digests.")  # type: ignore[valid-type]
    timezone: str = Field("Asia/Shanghai", max_length=60)
    language: Literal["zh", "en"] = "zh"
    reminder_days: list[int] = Field([14, 3], max_length=10)

    @field_validator("email")
    @classmethod
    def _email(cls, value):
        if value is not None and not _EMAIL.match(value):
            raise ValueError("not an e-mail address")
        return value

    @field_validator("channels")
    @classmethod
    def _channels(cls, value):
        bad = [url for url in value if len(url) > 2000 or not _channel_ok(url)]
        if bad:
            raise ValueError(f"not a supported channel URL: {', '.join(bad)}")
        return value

    @field_validator("hs_prefixes")
    @classmethod
    def _hs(cls, value):
        codes = [re.sub(r"[.\s]", "", code) for code in value]
        if any(not re.fullmatch(r"\d{2,10}", c) for c in codes):
            raise ValueError("HS prefixes are 2 to 10 digits")
        return codes

    @field_validator("ics_prefixes")
    @classmethod
    def _ics(cls, value):
        if any(not re.fullmatch(r"\d{2}(\.\d{3}(\.\d{2})?)?", c) for c in value):
            raise ValueError("ICS prefixes look like 29, 29.220 or 29.220.20")
        return value

    @field_validator("sectors", "members", "keywords")
    @classmethod
    def _words(cls, value):
        if any(not v.strip() or len(v) > 200 for v in value):
            raise ValueError("entries must be non-empty and at most 200 characters")
        return [v.strip() for v in value]

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("reminder_days")
    @classmethod
    def _days(cls, value):
        if any(d < 0 or d > 365 for d in value):
            raise ValueError("reminder days are 0 to 365")
        return sorted(set(value), reverse=True)

    @model_validator(mode="after")
    def _somewhere(self):
        if not self.email and not self.channels:
            raise ValueError("give an e-mail address or at least one channel")
        return self


class SubscriptionPatch(BaseModel):
    """Any fields of a subscription; the result is checked as a whole."""

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


def _own(session: Session, user: User, subscription_id: int) -> Subscription:
    row = session.get(Subscription, subscription_id)
    if row is None or row.user_id != user.id:
        raise not_found(f"subscription {subscription_id}")
    return row


@router.get("/subscriptions", response_model=Page[SubscriptionOut])
def list_subscriptions(
    params: PageParams = Depends(page_params), user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    """My subscriptions, oldest first."""
    statement = select(Subscription).where(Subscription.user_id == user.id)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(Subscription.id)).offset(params.offset).limit(params.page_size))
    return paged(list(rows), total, params)


@router.post("/subscriptions", response_model=SubscriptionOut, status_code=201)
def create_subscription(
    body: SubscriptionFields, user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    _check_channels(body.channels, user)
    row = Subscription(**body.model_dump(), user_id=user.id, token=secrets.token_urlsafe(24))
    session.add(row)
    session.commit()
    return row


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
    current = SubscriptionFields.model_fields.keys()
    merged = {name: getattr(row, name) for name in current} | changes
    try:
        checked = SubscriptionFields.model_validate(merged)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False, include_context=False)) from None
    _check_channels(checked.channels, user)
    for name, value in checked.model_dump().items():
        setattr(row, name, value)
    if active is not None:
        row.active = active
    row.updated_at = utcnow()
    session.add(row)
    session.commit()
    return row


def _set_active(session: Session, user: User, subscription_id: int, active: bool) -> Subscription:
    row = _own(session, user, subscription_id)
    row.active, row.updated_at = active, utcnow()
    session.add(row)
    session.commit()
    return row


@router.post("/subscriptions/{subscription_id}/pause", response_model=SubscriptionOut)
def pause_subscription(
    subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    return _set_active(session, user, subscription_id, False)


@router.post("/subscriptions/{subscription_id}/resume", response_model=SubscriptionOut)
def resume_subscription(
    subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    return _set_active(session, user, subscription_id, True)


@router.delete("/subscriptions/{subscription_id}", status_code=204)
def delete_subscription(
    subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)
):
    session.delete(_own(session, user, subscription_id))
    session.commit()
    return Response(status_code=204)


@router.post("/subscriptions/{subscription_id}/test", status_code=202)
def send_test(subscription_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)):
    """Queue a test message to every channel of the subscription."""
    enqueue_test(session, subscription=_own(session, user, subscription_id))
    session.commit()
    return {"detail": "test message queued"}


class AlertOut(BaseModel):
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


@router.get("/alerts", response_model=Page[AlertOut], tags=["alerts"])
def list_alerts(
    dismissed: bool | None = Query(None, description="Only dismissed (true) or not (false)."),
    subscription_id: int | None = Query(None, ge=1, le=ID_MAX),
    params: PageParams = Depends(page_params),
    user: User = Depends(subscriber),
    session: Session = Depends(get_session),
):
    """Alerts of my subscriptions, newest first."""
    statement = (
        select(Alert)
        .join(Subscription, col(Subscription.id) == col(Alert.subscription_id))
        .where(Subscription.user_id == user.id)
    )
    if dismissed is not None:
        statement = statement.where(
            col(Alert.dismissed_at).is_not(None) if dismissed else col(Alert.dismissed_at).is_(None)
        )
    if subscription_id is not None:
        statement = statement.where(Alert.subscription_id == subscription_id)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(Alert.created_at).desc(), col(Alert.id).desc())
        .offset(params.offset)
        .limit(params.page_size)
    )
    items = []
    for alert in rows:
        item = get_item(session, item_kind=alert.item_kind, item_id=alert.item_id)
        shown = summary(item) if item is not None else None
        items.append({**alert.model_dump(), "reference": shown and shown.reference, "title": shown and shown.title})
    return paged(items, total, params)


@router.post("/alerts/{alert_id}/dismiss", response_model=AlertOut, tags=["alerts"])
def dismiss_alert(alert_id: RowId, user: User = Depends(subscriber), session: Session = Depends(get_session)):
    alert = session.get(Alert, alert_id)
    owner = session.get(Subscription, alert.subscription_id) if alert else None
    if alert is None or owner is None or owner.user_id != user.id:
        raise not_found(f"alert {alert_id}")
    alert.dismissed_at = alert.dismissed_at or utcnow()
    session.add(alert)
    session.commit()
    return alert
