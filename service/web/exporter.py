"""An exporter's pages: subscriptions (create, edit, pause, send a test, unsubscribe), their
feed and calendar links, and the inbox of alerts received. Nobody sees another's."""

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from alerts import outbox
from alerts import subscriptions as use_case
from alerts.feedback import personalise, stand_in
from alerts.labels import member_choices, sector_codes
from alerts.preview import Preview, preview
from alerts.render import why_told
from service.refusals import explain
from service.web.deps import db, require
from service.web.i18n import request_language, request_zone
from service.web.templating import render
from store.models import (
    FREQUENCIES,
    ITEM_KINDS,
    URGENCY_LEVELS,
    VERDICTS,
    WEEKDAYS,
    Subscription,
    SubscriptionCreate,
    User,
)
from store.queries.feedback import verdicts_of
from store.queries.items import get_item, summary
from store.queries.tags import classifications
from store.refusals import Refused

router = APIRouter()
subscriber = require("subscribe")
# a list typed into one box: entries apart by commas, semicolons or lines (not spaces: "85 07"
# is one mistyped code, not two chapters); reminder days also by spaces
_LIST = re.compile(r"[,，、;；\n]+")
_NUMBERS = re.compile(r"[\s,，、;；]+")
_TEXT_LISTS = {"hs_prefixes": _LIST, "ics_prefixes": _LIST, "keywords": _LIST, "reminder_days": _NUMBERS}
_CHOICE_LISTS = ("sectors", "members", "committees", "kinds")


def _own(session: Session, user: User, subscription_id: int) -> Subscription:
    subscription = use_case.own_subscription(session, user.id, subscription_id)
    if subscription is None:
        raise HTTPException(404)
    return subscription


def _typed(subscription: Any) -> dict[str, Any]:
    """The form's values as a person would see them typed, from a stored subscription."""
    values = {name: getattr(subscription, name) for name in use_case.FIELDS}
    for name in _TEXT_LISTS:
        values[name] = ", ".join(map(str, values[name]))
    values["channels"] = "\n".join(values["channels"])
    return values


def _form_page(
    request: Request,
    typed: dict[str, Any],
    subscription_id: int | None = None,
    *,
    error: Refused | None = None,
    preview: Preview | Refused | None = None,
):
    return render(
        request,
        "subscription_form.html",
        {
            "s": typed,
            "subscription_id": subscription_id,
            "error": explain(error, request_language(request)) if error else None,
            "error_field": error.field if error else None,
            "all_sectors": sector_codes(),
            "members": member_choices(request_language(request)),
            "frequencies": FREQUENCIES,
            "weekdays": WEEKDAYS,
            "urgencies": URGENCY_LEVELS,
            "kinds": ITEM_KINDS,
            "preview": preview if isinstance(preview, Preview) else None,
            "preview_error": explain(preview, request_language(request)) if isinstance(preview, Refused) else None,
        },
        status_code=400 if error else 200,
    )


async def _form(request: Request) -> dict[str, Any]:
    """The form as typed: text boxes as strings, choices as lists."""
    form = await request.form()
    typed: dict[str, Any] = {name: str(form.get(name, "")) for name in use_case.FIELDS}
    typed.update({name: [str(v) for v in form.getlist(name)] for name in _CHOICE_LISTS})
    return typed


def _fields(typed: dict[str, Any]) -> dict[str, Any]:
    """What the form says, as the fields of :func:`alerts.subscriptions.checked`."""
    fields = dict(typed)
    for name, separators in _TEXT_LISTS.items():
        fields[name] = [entry for entry in separators.split(typed[name]) if entry.strip()]
    fields["channels"] = typed["channels"].splitlines()
    return fields


@router.get("/subscriptions", include_in_schema=False)
def subscriptions(request: Request, user: User = Depends(subscriber), session: Session = Depends(db)):
    return render(request, "subscriptions.html", {"subscriptions": use_case.subscriptions_of(session, user.id)})


@router.get("/subscriptions/new", include_in_schema=False)
def new_subscription(request: Request, user: User = Depends(subscriber)):
    blank = SubscriptionCreate(email=user.email, language=user.language, timezone=request_zone(request).key)
    return _form_page(request, _typed(blank))


@router.get("/subscriptions/{subscription_id}", include_in_schema=False)
def edit_subscription(
    request: Request, subscription_id: int, user: User = Depends(subscriber), session: Session = Depends(db)
):
    return _form_page(request, _typed(_own(session, user, subscription_id)), subscription_id)


@router.post("/subscriptions/preview", include_in_schema=False)
@router.post("/subscriptions/{subscription_id}/preview", include_in_schema=False)
async def preview_subscription(
    request: Request,
    subscription_id: int | None = None,
    user: User = Depends(subscriber),
    session: Session = Depends(db),
):
    """The form as typed with what it would have received over the last 90 days (the form's
    script fetches this page and shows its preview section as the selectors change)."""
    if subscription_id is not None:
        _own(session, user, subscription_id)
    typed = await _form(request)
    try:
        result: Preview | Refused = preview(session, _fields(typed), today=date.today())
    except Refused as refusal:
        result = refusal
    return _form_page(request, typed, subscription_id, preview=result)


@router.post("/subscriptions", include_in_schema=False)
@router.post("/subscriptions/{subscription_id}", include_in_schema=False)
async def save_subscription(
    request: Request,
    subscription_id: int | None = None,
    user: User = Depends(subscriber),
    session: Session = Depends(db),
):
    typed = await _form(request)
    subscription = _own(session, user, subscription_id) if subscription_id is not None else None
    try:
        if subscription is None:
            use_case.create_subscription(session, _fields(typed), user_id=user.id)
        else:
            use_case.update_subscription(session, subscription, _fields(typed))
    except Refused as error:
        return _form_page(request, typed, subscription_id, error=error)
    session.commit()
    return RedirectResponse("/subscriptions?done=subscription_saved", 303)


@router.post("/subscriptions/{subscription_id}/pause", include_in_schema=False)
def pause(subscription_id: int, user: User = Depends(subscriber), session: Session = Depends(db)):
    subscription = _own(session, user, subscription_id)
    use_case.set_active(session, subscription, not subscription.active)
    session.commit()
    return RedirectResponse(f"/subscriptions?done={'resumed' if subscription.active else 'paused'}", 303)


@router.post("/subscriptions/{subscription_id}/delete", include_in_schema=False)
def unsubscribe(subscription_id: int, user: User = Depends(subscriber), session: Session = Depends(db)):
    use_case.delete_subscription(session, _own(session, user, subscription_id))
    session.commit()
    return RedirectResponse("/subscriptions?done=unsubscribed", 303)


@router.post("/subscriptions/{subscription_id}/test", include_in_schema=False)
def send_test(subscription_id: int, user: User = Depends(subscriber), session: Session = Depends(db)):
    outbox.enqueue_test(session, subscription=_own(session, user, subscription_id))
    session.commit()
    return RedirectResponse("/subscriptions?done=test_queued", 303)


@router.get("/inbox", include_in_schema=False)
def inbox(request: Request, user: User = Depends(subscriber), session: Session = Depends(db)):
    found, _ = use_case.inbox(session, user.id, limit=200)
    language = request_language(request)
    editions = _editions(session, [(entry.alert.item_kind, entry.alert.item_id) for entry in found])
    entries = []
    for entry in found:
        key = (entry.alert.item_kind, entry.alert.item_id)
        item = get_item(session, item_kind=key[0], item_id=key[1])
        if item is not None:
            reasons = why_told(entry.told, language, editions.get(key))
            entries.append((entry, " / ".join(entry.names), reasons, summary(item)))
    return render(
        request,
        "inbox.html",
        {"entries": entries, "feedback": _inbox_feedback(request, session, found)},
    )


def _editions(session: Session, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The catalogue edition each classified item of ``keys`` was classified after (the one
    its messages name sectors after)."""
    kinds = {kind for kind, _ in keys}
    return {
        (kind, item_id): row.edition
        for kind in kinds
        for item_id, row in classifications(session, item_kind=kind, item_ids=[i for k, i in keys if k == kind]).items()
    }


def _inbox_feedback(request: Request, session: Session, entries: list[use_case.InboxEntry]) -> dict[int, dict]:
    """Per entry (its newest alert's id): the judgement given, and the signed links that give
    one (as the e-mail's: for every subscription that alerted the item)."""
    settings = request.app.state.settings
    verdicts = verdicts_of(session, sorted({a.subscription_id for e in entries for a, _ in e.alerts}))
    found = {}
    for entry in entries:
        alert = entry.alert
        owners = list(dict.fromkeys(a.subscription_id for a, _ in entry.alerts))
        useful, not_relevant = personalise(
            [stand_in(verdict, alert.item_kind, alert.item_id) for verdict in VERDICTS],
            subscription_id=alert.subscription_id,
            nonce=f"inbox:{alert.id}",
            base_url="",
            secret=settings.secret_key,
            subscription_of={(alert.item_kind, alert.item_id): owners},
        )
        verdict = verdicts.get((alert.subscription_id, alert.item_kind, alert.item_id))
        found[alert.id] = {"verdict": verdict, "useful": useful, "not_relevant": not_relevant}
    return found


@router.post("/inbox/{alert_id}/dismiss", include_in_schema=False)
def dismiss(alert_id: int, user: User = Depends(subscriber), session: Session = Depends(db)):
    alert = use_case.own_alert(session, user.id, alert_id)
    if alert is None:
        raise HTTPException(404)
    use_case.dismiss_alert(session, alert)
    session.commit()
    return RedirectResponse("/inbox?done=dismissed", 303)
