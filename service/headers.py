"""Security headers on every response (pages, JSON, files, /api/docs) and the API's
documentation page, served with Swagger UI's own files from the ``swagger-ui-py`` package
(no CDN), so the one Content-Security-Policy holds there too.

Pages load nothing from elsewhere, run no inline script (their behaviour is in
``/static/*.js``), carry no inline style (``/static/style.css``; charts colour by SVG
attributes) and may not be framed (no clickjacking of their forms). HSTS belongs to the
TLS-terminating proxy; ``docs/deploy.md`` says how.
"""

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import swagger_ui
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
DOCS_ASSETS = "/api/docs/assets"
DOCS_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tbtwatch API</title>
<link rel="stylesheet" href="{DOCS_ASSETS}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{DOCS_ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body></html>"""

Scope = MutableMapping[str, Any]


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every HTTP response that lacks them."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


docs_router = APIRouter(include_in_schema=False)


@docs_router.get("/api/docs", response_class=HTMLResponse)
async def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)


def install(app: FastAPI) -> None:
    """The headers on every response, and /api/docs with its assets."""
    app.add_middleware(SecurityHeaders)
    app.mount(DOCS_ASSETS, StaticFiles(directory=Path(swagger_ui.__file__).parent / "static"), name="docs-assets")
    app.include_router(docs_router)
