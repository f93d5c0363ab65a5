"""Request bodies are capped, and their senders authenticated, before anything reads them.

Caps: uploads of attachments may be large (``MAX_ATTACHMENT`` each), the few routes open to
anonymous callers (signing in, the links of alert e-mails) take :data:`ANONYMOUS` bytes,
everything else :data:`SMALL`. A body over its route's cap is answered 413 as soon as its
``Content-Length`` says so, or once that many bytes arrived when it is sent in chunks.

Credentials: every other POST, PUT, PATCH or DELETE must come from a signed-in user (a valid
API token, or a session cookie that still holds, looked up as the routes look them up), or it
is answered before its body is read: 401 from the API, a redirect to the sign-in page from the
pages. (FastAPI reads a body before it solves a route's dependencies, so the routes' own checks
come too late for this.) Nothing is buffered here.
"""

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from service.intelligence import MAX_ATTACHMENT
from service.security import token_hash, user_from_session_cookie
from store.db import default_engine
from store.models import User
from store.queries.users import cached_user_for_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SMALL = 1024 * 1024  # forms and JSON
ANONYMOUS_CAP = 64 * 1024
# Unsafe routes that take anonymous callers: signing in and out, and the links of alert
# e-mails, whose token is the credential.
ANONYMOUS = re.compile(r"^/(login|logout|confirm-email/|unsubscribe/|feedback/|threads/)")
MULTIPART_OVERHEAD = 64 * 1024
# path pattern -> cap: the API takes one attachment per request, a page form up to two.
UPLOADS = (
    (re.compile(r"^/api/v1/intelligence/\d+/attachments$"), MAX_ATTACHMENT + MULTIPART_OVERHEAD),
    (re.compile(r"^/intelligence(/\d+)?$"), 2 * MAX_ATTACHMENT + MULTIPART_OVERHEAD),
)
TOO_LARGE = {
    "en": "The request is too large (at most {size}).",
    "zh": "请求内容过大（最多 {size}）。",
}


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a chunked body passes its cap: an HTTP error, so the API and
    the pages answer it as they answer any (FastAPI passes HTTP errors through body parsing)."""

    def __init__(self, cap: int, *, api: bool):
        # Pages say it in the reader's language through their error_413 text; the API in English.
        super().__init__(413, TOO_LARGE["en"].format(size=_size(cap)) if api else None)


def _size(cap: int) -> str:
    return f"{cap // (1024 * 1024)} MB" if cap >= 1024 * 1024 else f"{cap // 1024} KB"


def cap_for(path: str) -> tuple[int, bool]:
    """(the largest body ``path`` takes, whether it asks for credentials first)."""
    for pattern, cap in UPLOADS:
        if pattern.match(path):
            return cap, True
    if ANONYMOUS.match(path):
        return ANONYMOUS_CAP, False
    return SMALL, True


def signed_in_user(request: Request) -> User | None:
    """The caller a bearer token or the session cookie of ``request`` names, if it is valid."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    with Session(default_engine(), expire_on_commit=False) as session:
        if scheme.lower() == "bearer":
            return cached_user_for_token(session, token_hash=token_hash(credentials.strip()))
        return user_from_session_cookie(request, session)


class BodyLimit:
    """ASGI middleware enforcing :func:`cap_for` and credentials on every HTTP request."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        cap, private = cap_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await self._refuse(scope, send, 413, cap)
            return
        if private:
            user = await run_in_threadpool(signed_in_user, Request(scope))
            if user is None:
                await self._refuse(scope, send, 401, cap)
                return
            scope.setdefault("state", {})["user"] = user  # the pages' current_user reads it
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge(cap, api=scope["path"].startswith("/api/"))
            return message

        await self.app(scope, limited, send)

    async def _refuse(self, scope: Scope, send: Send, status: int, cap: int) -> None:
        api = scope["path"].startswith("/api/")
        if status == 401 and not api:  # as the pages' require_user: sign in, then come back
            target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
            response = RedirectResponse(f"/login?next={quote(target)}", 303, headers={"connection": "close"})
            await response(scope, _nothing, send)
            return
        if status == 401:
            detail = {"en": "sign in or send an API token (Authorization: Bearer …)"}
        else:
            detail = {language: text.format(size=_size(cap)) for language, text in TOO_LARGE.items()}
        if api:
            body, kind = json.dumps({"detail": detail["en"]}).encode(), b"application/json"
        else:
            page = (
                f"<!doctype html><meta charset=utf-8><title>{status}</title><p>{detail['zh']}</p><p>{detail['en']}</p>"
            )
            body, kind = page.encode(), b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *([(b"www-authenticate", b"Bearer")] if status == 401 else []),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
