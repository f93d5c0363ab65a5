"""Public pages of a subscription at secret URLs (the subscription's token), working without
logging in: its Atom and iCalendar feeds, and unsubscribing.

``POST /unsubscribe/{token}`` is the one-click unsubscribe of RFC 8058 (mail providers post
``List-Unsubscribe=One-Click`` without cookies), so this router carries no CSRF check and is
mounted beside the pages router, not inside it; ``GET`` only shows a confirmation form, so
a link scanner fetching the URL unsubscribes no one.
"""

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from alerts.feeds import ATOM_TYPE, ICS_TYPE, atom_feed, ics_calendar
from alerts.subscriptions import unsubscribe
from service.web.templating import render
from store.db import default_engine, session_scope
from store.queries.alerts import subscription_by_token

router = APIRouter(include_in_schema=False)


def _feed(request: Request, token: str, build, media_type: str) -> Response:
    with Session(default_engine()) as session:
        subscription = subscription_by_token(session, token)
        if subscription is None:
            return Response("not found\n", status_code=404, media_type="text/plain")
        if not subscription.active:
            return Response("unsubscribed\n", status_code=410, media_type="text/plain")
        body = build(session, subscription, base_url=request.app.state.settings.base_url)
    return Response(
        body, media_type=media_type, headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}
    )


@router.get("/feeds/{token}.atom")
def atom(request: Request, token: str) -> Response:
    return _feed(request, token, atom_feed, ATOM_TYPE)


@router.get("/feeds/{token}.ics")
def calendar(request: Request, token: str) -> Response:
    return _feed(request, token, ics_calendar, ICS_TYPE)


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
