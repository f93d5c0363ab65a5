"""Request bodies are capped before anything reads them: uploads of attachments may be large
(``MAX_ATTACHMENT`` each), everything else is small. A body over its route's cap is answered
413 as soon as its ``Content-Length`` says so, or once that many bytes arrived when it is sent
in chunks; an upload route asks for credentials (a bearer token, or a session cookie whose
signature holds) before reading any of it. Nothing is buffered here."""

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from service.intelligence import MAX_ATTACHMENT
from service.security import SESSION_COOKIE, session_user_id
from store.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SMALL = 1024 * 1024  # forms and JSON
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
    """(the largest body ``path`` takes, whether it is an upload route)."""
    for pattern, cap in UPLOADS:
        if pattern.match(path):
            return cap, True
    return SMALL, False


class BodyLimit:
    """ASGI middleware enforcing :func:`cap_for` on every HTTP request."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        cap, upload = cap_for(scope["path"])
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await self._refuse(scope, send, 413, cap)
            return
        if upload and not self._credentials(headers):
            await self._refuse(scope, send, 401, cap)
            return
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

    def _credentials(self, headers: dict[str, str]) -> bool:
        if headers.get("authorization", "").lower().startswith("bearer "):
            return True  # checked against the database by the route, before it reads the body
        cookies = dict(part.strip().split("=", 1) for part in headers.get("cookie", "").split(";") if "=" in part)
        return session_user_id(cookies.get(SESSION_COOKIE), self.settings) is not None

    async def _refuse(self, scope: Scope, send: Send, status: int, cap: int) -> None:
        size = _size(cap)
        if status == 401:
            detail = {"en": "sign in or send an API token before uploading", "zh": "请先登录或提供 API 令牌再上传。"}
        else:
            detail = {language: text.format(size=size) for language, text in TOO_LARGE.items()}
        if scope["path"].startswith("/api/"):
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
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
