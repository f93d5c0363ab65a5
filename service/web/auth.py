"""Signing in and out of the pages (the same signed session cookie as the API's)."""

import math

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from service import security
from service.security import user_from_session_cookie
from service.web.deps import current_user, db
from service.web.templating import render
from store.db import default_engine, session_scope
from store.models import User
from store.models.types import utcnow
from store.queries.users import get_user_by_email, normalise_email
from translations import N_

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/dashboard"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None):
    if current_user(request):
        return RedirectResponse(_safe_next(next), 303)
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", include_in_schema=False)
async def login(  # async: the password check goes to the bounded hashing pool, not a shared thread
    request: Request,
    email: str = Form(...),
    password: str = Form(...),
    next: str | None = Form(None),
):
    email = normalise_email(email)
    address = security.client_address(request)
    context = {"next": _safe_next(next), "email": email}
    limiter = security.login_limiter
    try:
        with security.HashSlot() as slot:
            wait = limiter.begin(email, address, admit=slot.take)  # refused by address before hashing
            if wait:
                error = N_("Too many failed sign-ins; wait a little and try again (the wait grows with each failure).")
                return _refused(request, {**context, "error": error}, 429, wait)
            user = await slot.run(lambda: _signed_in(email, password))
    except security.HashPoolBusy:  # not counted: the failures before it stand, and this is not one
        busy = N_("Too many sign-ins at once; try again in a few seconds.")
        return _refused(request, {**context, "error": busy}, 503, 5)
    if user is None:
        return render(request, "login.html", {**context, "error": N_("Wrong e-mail or password.")}, 400)
    limiter.succeeded(email, address)
    response = RedirectResponse(_safe_next(next), 303)
    security.set_session_cookie(response, user, request.app.state.settings)
    return response


def _refused(request: Request, context: dict, status: int, wait: float):
    page = render(request, "login.html", context, status)
    page.headers["Retry-After"] = str(math.ceil(wait))
    return page


def _signed_in(email: str, password: str) -> User | None:
    """The user whose password this is (their last sign-in recorded), or None."""
    with session_scope(default_engine()) as session:
        user = get_user_by_email(session, email=email)
        if not security.authenticate(session, user=user, password=password) or user is None:
            return None
        user.last_login_at = utcnow()
        session.add(user)
        return user


@router.post("/logout", include_in_schema=False)
def logout(request: Request, session: Session = Depends(db)):
    """Sign out: this browser's cookie goes, and every session cookie of the account stops working."""
    user = user_from_session_cookie(request, session)
    if user is not None:
        security.end_sessions(user)
        session.add(user)
        session.commit()
    response = RedirectResponse("/login", 303)
    security.clear_session_cookie(response)
    return response
