"""Who is calling the API, and may they: the database session of a request, the caller
(``Authorization: Bearer <token>`` first, else the web session cookie of
``service.security``), permission checks, and page parameters.

Every protected route depends on :func:`current_user` (401 without valid credentials) or
:func:`require` (403 for a role without the permission). Records owned by someone else are
answered 404, as if they did not exist, so ids of others' records leak nothing.
"""

import json
import re
from collections.abc import AsyncIterator
from typing import Annotated, Generic, TypeVar
from urllib.parse import urlsplit

from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlmodel import Session

from service.request_text import query_string_is_utf8
from service.security import can, token_hash, user_from_session_cookie
from store.db import default_engine
from store.models import User
from store.models.types import ID_MAX
from store.queries.users import cached_user_for_token, recalled_user_for_token
from store.unicode import has_lone_surrogate

bearer = HTTPBearer(auto_error=False, description="An API token from `tbtwatch users token` or POST /api/v1/tokens.")
T = TypeVar("T")
MAX_PAGE_SIZE = 200
RowId = Annotated[int, Path(ge=1, le=ID_MAX, description="Row id.")]


async def get_session() -> AsyncIterator[Session]:
    """A session for one request; routes that change data commit it themselves.

    Async, so that making it and closing it when it never reached the database take no hop to
    a worker thread (each costs a search about 0.2 ms of CPU); a session that holds a
    connection is closed on a thread, as FastAPI closes a sync dependency's."""
    session = Session(default_engine(), expire_on_commit=False)
    try:
        yield session
    finally:
        transaction = session.get_transaction()
        if transaction is None or not transaction.connections:
            session.close()
        else:
            with CancelScope(shield=True):  # a connection goes back to the pool even when the client left
                await to_thread.run_sync(session.close, limiter=CapacityLimiter(1))  # never waits for a busy pool


async def current_user(  # async: a token checked lately is answered from memory, without a thread
    request: Request,
    session: Session = Depends(get_session),
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> User:
    """The caller: the owner of a valid bearer token, else the user of a valid session cookie."""
    if credentials is not None:
        digest = token_hash(credentials.credentials)
        user = recalled_user_for_token(session, token_hash=digest) or await run_in_threadpool(
            _checked_token_user, session, digest
        )
        if user is None:
            raise HTTPException(
                401, "the API token is unknown, revoked or its user inactive", headers={"WWW-Authenticate": "Bearer"}
            )
        return user
    user = await run_in_threadpool(user_from_session_cookie, request, session)
    if user is None:
        raise HTTPException(
            401, "sign in or send an API token (Authorization: Bearer …)", headers={"WWW-Authenticate": "Bearer"}
        )
    if request.method not in SAFE_METHODS and not from_this_site(request):
        raise HTTPException(
            403,
            "a change signed in by the session cookie must come from this site (Origin header); "
            "scripts use an API token (Authorization: Bearer …)",
        )
    return user


def _checked_token_user(session: Session, digest: str) -> User | None:
    user = cached_user_for_token(session, token_hash=digest)
    if session.dirty:  # the token's last use recorded
        session.commit()
    return user


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def from_this_site(request: Request) -> bool:
    """Whether the browser says the request comes from a page of this site: its ``Origin`` (or,
    lacking one, its ``Referer``) is the origin of ``TBTWATCH_BASE_URL`` or of the request itself.
    Browsers send Origin on every cross-site POST, PATCH and DELETE, and a page cannot forge it."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent or sent == "null":
        return False
    parts = urlsplit(sent)
    origins = {_origin(request.app.state.settings.base_url), f"{request.url.scheme}://{request.url.netloc}"}
    return f"{parts.scheme}://{parts.netloc}".lower() in origins


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def require(permission: str):
    """A dependency giving the caller when they hold ``permission``; 403 otherwise."""

    async def dependency(user: User = Depends(current_user)) -> User:  # async: no I/O
        if not can(user, permission):
            raise HTTPException(403, f"the {user.role} role may not do this (needs {permission!r})")
        return user

    return dependency


class PageParams(BaseModel):
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


async def page_params(  # async: no I/O, so no hop to a worker thread
    page: int = Query(1, ge=1, le=100_000, description="1-based page number."),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE, description="Items per page."),
) -> PageParams:
    return PageParams(page=page, page_size=page_size)


class Page(BaseModel, Generic[T]):
    """One page of a list: its items and the total over every page."""

    items: list[T]
    total: int
    page: int
    page_size: int


def paged(items: list, total: int, params: PageParams) -> dict:
    return {"items": items, "total": total, "page": params.page, "page_size": params.page_size}


async def storable_text(request: Request) -> None:
    """Refuse NUL characters in the URL or a JSON body, and lone surrogates (``"\\ud800"``) in a
    JSON body: no text column can store them (PostgreSQL refuses them outright, and SQLite would
    keep text that no later read can encode), so they are a client error, not a server one."""
    if "%00" in request.url.path + "?" + request.url.query.lower():
        raise HTTPException(422, "NUL characters are not allowed in the request")
    if not query_string_is_utf8(request):
        raise HTTPException(422, "the query string is not valid UTF-8 (percent-encode text as UTF-8)")
    if not request.headers.get("content-type", "").startswith("multipart/"):
        body = await request.body()
        if b"\\u0000" in body or b"\x00" in body:
            raise HTTPException(422, "NUL characters are not allowed in the request")
        if _ESCAPED_SURROGATE.search(body) and _holds_lone_surrogate(body):
            raise HTTPException(422, "the request holds invalid Unicode (a lone surrogate such as \\ud800)")


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _holds_lone_surrogate(body: bytes) -> bool:
    try:
        return has_lone_surrogate(json.loads(body))
    except ValueError:
        return False  # not JSON: the route's own validation answers


def not_found(what: str) -> HTTPException:
    return HTTPException(404, f"{what} not found")
