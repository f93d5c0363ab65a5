"""Signing in and out of the pages (the same signed session cookie as the API's)."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from service import security
from service.web.deps import current_user, db
from service.web.templating import render
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
def login(
    request: Request,
    email: str = Form(...),
    password: str = Form(...),
    next: str | None = Form(None),
    session: Session = Depends(db),
):
    email = normalise_email(email)
    address = request.client.host if request.client else None
    context = {"next": _safe_next(next), "email": email}
    limiter = security.login_limiter
    if not limiter.allowed(email, address):
        return render(
            request,
            "login.html",
            {**context, "error": N_("Too many failed sign-ins; try again in fifteen minutes.")},
            429,
        )
    user = get_user_by_email(session, email=email)
    if not security.authenticate(session, user=user, password=password) or user is None:
        limiter.failed(email, address)
        return render(request, "login.html", {**context, "error": N_("Wrong e-mail or password.")}, 400)
    limiter.succeeded(email, address)
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    response = RedirectResponse(_safe_next(next), 303)
    security.set_session_cookie(response, user.id, request.app.state.settings)
    return response


@router.post("/logout", include_in_schema=False)
def logout():
    response = RedirectResponse("/login", 303)
    security.clear_session_cookie(response)
    return response
