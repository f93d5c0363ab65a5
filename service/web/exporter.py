"""An exporter's pages: subscriptions (create, edit, pause, send a test, unsubscribe), their
feed and calendar links, and the inbox of alerts received. Nobody sees another's."""

import re

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session, col, select

from alerts import outbox
from alerts.feedback import personalise, stand_in
from alerts.subscriptions import SubscriptionError, create_subscription, normalised
from service.web.deps import db, require
from service.web.i18n import request_language
from service.web.labels import member_choices, sector_codes
from service.web.templating import render
from store.models import (
    FREQUENCIES,
    ITEM_KINDS,
    URGENCY_LEVELS,
    VERDICTS,
    WEEKDAYS,
    Alert,
    Subscription,
    SubscriptionCreate,
    User,
)
from store.models.types import utcnow
from store.queries.feedback import verdicts_of
from store.queries.items import get_item, summary

router = APIRouter()
subscriber = require("subscribe")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _words(text: str) -> list[str]:
    return [word for word in _SEPARATORS.split(text or "") if word]


def _own(session: Session, user: User, subscription_id: int) -> Subscription:
    subscription = session.get(Subscription, subscription_id)
    if subscription is None or subscription.user_id != user.id:
        raise HTTPException(404, "no such subscription")
    return subscription


def _form_page(
    request: Request,
    subscription,
    subscription_id: int | None = None,
    *,
    error: str | None = None,
    status_code: int = 200,
):
    return render(
        request,
        "subscription_form.html",
        {
            "s": subscription,
            "subscription_id": subscription_id,
            "error": error,
            "all_sectors": sector_codes(),
            "members": member_choices(request_language(request)),
            "frequencies": FREQUENCIES,
            "weekdays": WEEKDAYS,
            "urgencies": URGENCY_LEVELS,
            "kinds": ITEM_KINDS,
        },
        status_code=status_code,
    )


async def subscription_form(request: Request) -> dict:
    """The subscription form as the fields of :class:`SubscriptionCreate`."""
    form = await request.form()
    lines = [line.strip() for line in str(form.get("channels", "")).splitlines() if line.strip()]
    return {
        "name": str(form.get("name", "")).strip() or None,
        "email": str(form.get("email", "")).strip() or None,
        "channels": lines,
        "sectors": form.getlist("sectors"),
        "hs_prefixes": _words(str(form.get("hs_prefixes", ""))),
        "ics_prefixes": _words(str(form.get("ics_prefixes", ""))),
        "members": form.getlist("members"),
        "committees": form.getlist("committees"),
        "kinds": form.getlist("kinds"),
        "keywords": [w.strip() for w in re.split(r"[,，、;；\n]+", str(form.get("keywords", ""))) if w.strip()],
        "min_urgency": form.get("min_urgency", "low"),
        "frequency": form.get("frequency", "immediate"),
        "deliver_at": form.get("deliver_at") or "08:00",
        "weekday": form.get("weekday", "mon"),
        "timezone": form.get("timezone") or "Asia/Shanghai",
        "language": form.get("language", "zh"),
        "reminder_days": [int(d) for d in _words(str(form.get("reminder_days", ""))) if d.isdigit()],
    }


@router.get("/subscriptions", include_in_schema=False)
def subscriptions(request: Request, user: User = Depends(subscriber), session: Session = Depends(db)):
    rows = session.exec(
        select(Subscription).where(Subscription.user_id == user.id).order_by(col(Subscription.created_at))
    )
    return render(request, "subscriptions.html", {"subscriptions": list(rows)})


@router.get("/subscriptions/new", include_in_schema=False)
def new_subscription(request: Request, user: User = Depends(subscriber)):
    return _form_page(request, SubscriptionCreate(email=user.email, language=user.language))


@router.get("/subscriptions/{subscription_id}", include_in_schema=False)
def edit_subscription(
    request: Request, subscription_id: int, user: User = Depends(subscriber), session: Session = Depends(db)
):
    return _form_page(request, _own(session, user, subscription_id), subscription_id)


@router.post("/subscriptions", include_in_schema=False)
@router.post("/subscriptions/{subscription_id}", include_in_schema=False)
async def save_subscription(
    request: Request,
    subscription_id: int | None = None,
    user: User = Depends(subscriber),
    session: Session = Depends(db),
):
    fields = await subscription_form(request)
    subscription = _own(session, user, subscription_id) if subscription_id is not None else None
    try:
        checked = normalised(SubscriptionCreate.model_validate(fields), trusted=user.role == "admin")
        if not checked.email and not checked.channels:
            raise SubscriptionError("give an e-mail address or at least one channel")
    except (ValidationError, SubscriptionError) as error:
        message = error.text(request_language(request)) if isinstance(error, SubscriptionError) else str(error)
        return _form_page(
            request, SubscriptionCreate.model_construct(**fields), subscription_id, error=message, status_code=400
        )
    if subscription is None:
        create_subscription(session, checked, user_id=user.id)
    else:
        for name, value in checked.model_dump().items():
            setattr(subscription, name, value)
        subscription.updated_at = utcnow()
        session.add(subscription)
    session.commit()
    return RedirectResponse("/subscriptions?done=subscription_saved", 303)


@router.post("/subscriptions/{subscription_id}/pause", include_in_schema=False)
def pause(subscription_id: int, user: User = Depends(subscriber), session: Session = Depends(db)):
    subscription = _own(session, user, subscription_id)
    subscription.active = not subscription.active
    subscription.updated_at = utcnow()
    session.add(subscription)
    session.commit()
    return RedirectResponse(f"/subscriptions?done={'resumed' if subscription.active else 'paused'}", 303)


@router.post("/subscriptions/{subscription_id}/delete", include_in_schema=False)
def unsubscribe(subscription_id: int, user: User = Depends(subscriber), session: Session = Depends(db)):
    session.delete(_own(session, user, subscription_id))
    session.commit()
    return RedirectResponse("/subscriptions?done=unsubscribed", 303)


@router.post("/subscriptions/{subscription_id}/test", include_in_schema=False)
def send_test(subscription_id: int, user: User = Depends(subscriber), session: Session = Depends(db)):
    outbox.enqueue_test(session, subscription=_own(session, user, subscription_id))
    session.commit()
    return RedirectResponse("/subscriptions?done=test_queued", 303)


@router.get("/inbox", include_in_schema=False)
def inbox(request: Request, user: User = Depends(subscriber), session: Session = Depends(db)):
    rows = session.exec(
        select(Alert, Subscription.name)
        .join(Subscription, col(Subscription.id) == col(Alert.subscription_id))
        .where(Subscription.user_id == user.id)
        .order_by(col(Alert.created_at).desc())
        .limit(200)
    ).all()
    entries = []
    for alert, subscription_name in rows:
        item = get_item(session, item_kind=alert.item_kind, item_id=alert.item_id)
        if item is not None:
            entries.append((alert, subscription_name, summary(item)))
    return render(
        request, "inbox.html", {"entries": entries, "feedback": _inbox_feedback(request, session, [a for a, _ in rows])}
    )


def _inbox_feedback(request: Request, session: Session, alerts: list[Alert]) -> dict[int, dict]:
    """Per alert: the judgement given, and the signed links that give one (the same as the e-mail's)."""
    settings = request.app.state.settings
    verdicts = verdicts_of(session, sorted({a.subscription_id for a in alerts}))
    found = {}
    for alert in alerts:
        useful, not_relevant = personalise(
            [stand_in(verdict, alert.item_kind, alert.item_id) for verdict in VERDICTS],
            subscription_id=alert.subscription_id,
            nonce=f"inbox:{alert.id}",
            base_url="",
            secret=settings.secret_key,
        )
        verdict = verdicts.get((alert.subscription_id, alert.item_kind, alert.item_id))
        found[alert.id] = {"verdict": verdict, "useful": useful, "not_relevant": not_relevant}
    return found


@router.post("/inbox/{alert_id}/dismiss", include_in_schema=False)
def dismiss(alert_id: int, user: User = Depends(subscriber), session: Session = Depends(db)):
    alert = session.get(Alert, alert_id)
    subscription = session.get(Subscription, alert.subscription_id) if alert else None
    if alert is None or subscription is None or subscription.user_id != user.id:
        raise HTTPException(404, "no such alert")
    alert.dismissed_at = utcnow()
    session.add(alert)
    session.commit()
    return RedirectResponse("/inbox?done=dismissed", 303)
