"""Public pages of a subscription at secret URLs (the subscription's token), working without
logging in: its Atom and iCalendar feeds, unsubscribing, and the signed feedback links of
its alerts (:mod:`alerts.feedback`).

``POST /unsubscribe/{token}`` is the one-click unsubscribe of RFC 8058 (mail providers post
``List-Unsubscribe=One-Click`` without cookies), so this router carries no CSRF check and is
mounted beside the pages router, not inside it; ``GET`` only shows a confirmation form, so
a link scanner fetching the URL unsubscribes no one. Feedback links work the same way:
``GET /feedback/{token}`` shows the judgement with a form that a small static script
(``/static/feedback.js``) submits at once, so a person's click records it and a scanner's
fetch does not; without scripts the person presses the button.
"""

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from alerts import threads
from alerts.confirmation import code_matches
from alerts.feedback import FeedbackLink, FeedbackLinkError, add_reason, read_token, record_judgement
from alerts.feeds import ATOM_TYPE, ICS_TYPE, atom_feed, ics_calendar
from alerts.subscriptions import confirm_email, unsubscribe
from service.web.templating import render
from store.db import default_engine, session_scope
from store.models import FEEDBACK_REASONS, Subscription
from store.models.types import ID_MAX
from store.queries.alerts import load_items, subscription_by_token
from store.queries.feedback import link_used
from store.settings import Settings
from translations import N_

router = APIRouter(include_in_schema=False)


def _feed(request: Request, token: str, build, media_type: str) -> Response:
    with Session(default_engine()) as session:
        subscription = subscription_by_token(session, token)
        if subscription is None:
            return Response("not found\n", status_code=404, media_type="text/plain")
        if not subscription.active:
            return Response("unsubscribed\n", status_code=410, media_type="text/plain")
        body = build(session, subscription, request.app.state.settings)
    return Response(
        body, media_type=media_type, headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}
    )


@router.get("/feeds/{token}.atom")
def atom(request: Request, token: str) -> Response:
    def build(session: Session, subscription: Subscription, settings: Settings) -> str:
        return atom_feed(session, subscription, base_url=settings.base_url, secret=settings.secret_key)

    return _feed(request, token, build, ATOM_TYPE)


@router.get("/feeds/{token}.ics")
def calendar(request: Request, token: str) -> Response:
    def build(session: Session, subscription: Subscription, settings: Settings) -> str:
        return ics_calendar(session, subscription, base_url=settings.base_url)

    return _feed(request, token, build, ICS_TYPE)


def _confirmation_page(request: Request, state: str, subscription: Subscription | None = None, code: str = ""):
    page = render(
        request,
        "confirm_email.html",
        {"state": state, "subscription": subscription, "code": code},
        status_code=404 if state == "unknown" else 200,
    )
    page.headers["X-Robots-Tag"] = "noindex"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


@router.get("/confirm-email/{subscription_id}/{code}")
def ask_to_confirm_email(request: Request, subscription_id: int, code: str):
    """The link of a confirmation message: a page with the button that confirms (a link scanner's
    fetch confirms nothing)."""
    with Session(default_engine()) as session:
        subscription = session.get(Subscription, subscription_id) if 0 < subscription_id <= ID_MAX else None
        if subscription is None or not code_matches(request.app.state.settings.secret_key, subscription, code):
            return _confirmation_page(request, "unknown")
    return _confirmation_page(request, "done" if subscription.email_confirmed_at else "ask", subscription, code)


@router.post("/confirm-email/{subscription_id}/{code}")
def confirm_subscription_email(request: Request, subscription_id: int, code: str):
    with session_scope(default_engine()) as session:
        confirmed = 0 < subscription_id <= ID_MAX and confirm_email(
            session, subscription_id, code, secret_key=request.app.state.settings.secret_key
        )
    return _confirmation_page(request, "done" if confirmed else "unknown")


def _page(request: Request, token: str, state: str, subscription=None):
    context = {"state": state, "token": token, "subscription": subscription}
    page = render(request, "alert_unsubscribe.html", context, status_code=404 if state == "unknown" else 200)
    page.headers["X-Robots-Tag"] = "noindex"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


@router.get("/unsubscribe/{token}")
def confirm_unsubscribe(request: Request, token: str):
    with Session(default_engine()) as session:
        subscription = subscription_by_token(session, token)
    if subscription is None:
        return _page(request, token, "unknown")
    return _page(request, token, "confirm" if subscription.active else "done", subscription)


@router.post("/unsubscribe/{token}")
def one_click_unsubscribe(request: Request, token: str):
    with session_scope(default_engine()) as session:
        subscription = unsubscribe(session, token)
    return _page(request, token, "done" if subscription else "unknown", subscription)


FEEDBACK_STATUS = {"invalid": 400, "expired": 410, "replayed": 409, "gone": 404}
FEEDBACK_PROBLEMS = {
    "invalid": N_("This link is not valid (it may have been altered); nothing was recorded."),
    "expired": N_("This link has expired; nothing was recorded. Please use the links of a recent alert."),
    "replayed": N_("This link was already used; nothing was changed this time."),
    "gone": N_("This subscription was deleted; nothing was recorded."),
}


def _feedback_page(request: Request, token: str, state: str, link: FeedbackLink | None = None, **extra):
    label = None
    if link is not None:
        with Session(default_engine()) as session:
            item = load_items(session, [(link.item_kind, link.item_id)]).get((link.item_kind, link.item_id))
        label = f"{item.label} {item.title or ''}".strip() if item else None
    context = {
        "state": state,
        "token": token,
        "link": link,
        "label": label,
        "reasons": FEEDBACK_REASONS,
        "problem": FEEDBACK_PROBLEMS.get(state),
        **extra,
    }
    page = render(request, "feedback.html", context, status_code=FEEDBACK_STATUS.get(state, 200))
    page.headers["X-Robots-Tag"] = "noindex"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


def _link(request: Request, token: str) -> FeedbackLink | str:
    try:
        return read_token(request.app.state.settings.secret_key, token)
    except FeedbackLinkError as error:
        return error.state


@router.get("/feedback/{token}")
def confirm_feedback(request: Request, token: str):
    link = _link(request, token)
    if isinstance(link, str):
        return _feedback_page(request, token, link)
    with Session(default_engine()) as session:
        used = link_used(session, link.nonce)
    return _feedback_page(request, token, "replayed" if used else "confirm", link)


@router.post("/feedback/{token}")
def record_feedback(request: Request, token: str):
    link = _link(request, token)
    if isinstance(link, str):
        return _feedback_page(request, token, link)
    with session_scope(default_engine()) as session:
        outcome = record_judgement(session, link)
    return _feedback_page(request, token, outcome, link)


@router.post("/feedback/{token}/reason")
async def feedback_reason(request: Request, token: str):
    link = _link(request, token)
    if isinstance(link, str):
        return _feedback_page(request, token, link)
    reason = str((await request.form()).get("reason", ""))
    with session_scope(default_engine()) as session:
        added = add_reason(session, link, reason)
    return _feedback_page(request, token, "thanks" if added else "recorded", link, reason_missing=not added)


def _thread_page(request: Request, token: str) -> Response:
    """``GET`` shows what the link would do; ``POST`` does it (a scanner's fetch does nothing)."""
    settings = request.app.state.settings
    with session_scope(default_engine()) as session:
        try:
            link = threads.read_token(settings.secret_key, token)
            user = threads.account_of_link(session, link)
            notification = threads.thread_of(session, link.notification_id)
            state = "confirm"
            if request.method == "POST":
                threads.choose(session, user, link.notification_id, link.choice)
                state = "done"
            context = {"state": state, "choice": link.choice, "symbol": notification.symbol or notification.base_symbol}
        except threads.ThreadError as error:
            context = {"state": error.state, "choice": None, "symbol": ""}
    context["token"] = token
    page = render(request, "thread_choice.html", context, status_code=200 if context["choice"] else 404)
    page.headers["X-Robots-Tag"] = "noindex"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


@router.get("/threads/{token}")
def confirm_thread_choice(request: Request, token: str) -> Response:
    return _thread_page(request, token)


@router.post("/threads/{token}")
def apply_thread_choice(request: Request, token: str) -> Response:
    return _thread_page(request, token)
