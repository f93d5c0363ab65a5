"""Who is asking, and may they: the signed-in user of a page, role checks, and the CSRF
token every form carries.

CSRF: a random HttpOnly cookie (``tbtwatch_csrf``) seeds a token that is an HMAC of that
cookie and the session cookie under the secret key; every form posts it back as
``csrf_token`` and :func:`verify_csrf` (a dependency of the whole pages router) refuses a
POST without the right one. Binding to the session means a token from before a login is
worthless after it.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from service.security import SESSION_COOKIE, can, user_from_session_cookie
from store.db import default_engine
from store.models import User
from store.models.types import ID_MAX

CSRF_COOKIE = "tbtwatch_csrf"
CSRF_FIELD = "csrf_token"
_PROCESS_KEY = secrets.token_bytes(32)  # without a secret key, tokens hold for this process only


def db() -> Iterator[Session]:
    """A session on the process's engine for one request (the caller commits)."""
    with Session(default_engine(), expire_on_commit=False) as session:
        yield session


def current_user(request: Request) -> User | None:
    """The signed-in user of this request, or None (looked up once per request)."""
    if not hasattr(request.state, "user"):
        with Session(default_engine(), expire_on_commit=False) as session:
            request.state.user = user_from_session_cookie(request, session)
    return request.state.user


def require_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(303, headers={"Location": f"/login?next={quote(target)}"})
    return user


def require(permission: str):
    """A dependency giving the signed-in user when they hold ``permission``
    (``service.security.PERMISSIONS``); 403 else."""

    def dependency(user: User = Depends(require_user)) -> User:
        if not can(user, permission):
            raise HTTPException(403, "role_may_not_open")
        return user

    return dependency


def csrf_seed(request: Request) -> str:
    """The CSRF cookie of the browser, or a fresh one that :func:`render` will set."""
    seed = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_seed", None)
    if not seed:
        seed = request.state.new_csrf_seed = secrets.token_urlsafe(24)
    return seed


def csrf_token(request: Request) -> str:
    message = f"{csrf_seed(request)}|{request.cookies.get(SESSION_COOKIE, '')}".encode()
    key = request.app.state.settings.secret_key.encode() or _PROCESS_KEY
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def sane_request(request: Request) -> None:
    """Refuse, as a page, what no page can use: an id that is not a plain number of the
    database's range (huge, or digits such as "²"), and NUL characters in the path or a form,
    which no text column can store."""
    for name, value in request.path_params.items():
        if name.endswith("_id") and not (value.isascii() and value.isdigit() and 0 < int(value) <= ID_MAX):
            raise HTTPException(404)
    if "\x00" in request.url.path:  # a NUL in the query: each page says what it cannot read
        raise HTTPException(400, "")
    if request.method == "POST" and request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        if any(isinstance(value, str) and "\x00" in value for value in form.values()):
            raise HTTPException(400, "")


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def verify_csrf(request: Request) -> None:
    """Refuse any POST to a page whose form lacks this browser's CSRF token."""
    if request.method != "POST":
        return
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if (
        not request.cookies.get(CSRF_COOKIE)
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent, csrf_token(request))
    ):
        raise HTTPException(403, "form_expired")
