"""Errors of the pages as pages: a short message in the reader's language with a way back,
never JSON or developer text. Redirects raised as HTTP errors (sign in first) pass through
unchanged. A page that has a form re-renders it itself with the refusal; these are the
last resort for what no page caught."""

import logging
from collections.abc import Mapping

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from service.refusals import explain
from service.web.i18n import messages, request_language, translate
from service.web.templating import render
from store.refusals import Refused

log = logging.getLogger(__name__)


def _page(request: Request, status: int, detail: str | None, headers: Mapping[str, str] | None = None) -> Response:
    page = render(request, "error.html", {"status": status, "detail": detail}, status_code=status)
    for name, value in (headers or {}).items():
        page.headers[name] = value
    return page


async def error_page(request: Request, error: HTTPException) -> Response:
    if error.status_code < 400:
        return await http_exception_handler(request, error)
    # a page raises its reason as a catalogue key; anything else (a framework's English) is
    # replaced by what the status means, in the reader's language
    key = error.detail if isinstance(error.detail, str) and error.detail in messages() else None
    detail = translate(key or f"error_{error.status_code}_detail", request_language(request))
    return _page(request, error.status_code, detail, error.headers)


async def invalid_page(request: Request, error: RequestValidationError) -> Response:
    """An address whose values the page cannot read (a page number of 0, a date like 2026-13-45);
    a path that names no record (``/subscriptions/abc``) is a page not found."""
    language = request_language(request)
    if all(e.get("loc", ("",))[0] == "path" for e in error.errors()):
        return _page(request, 404, translate("error_404_detail", language))
    fields = sorted({str(e.get("loc", ("", ""))[-1]) for e in error.errors()})
    return _page(request, 400, translate("invalid_address", language).format(fields=", ".join(fields)))


async def refused_page(request: Request, error: Refused) -> Response:
    status = 400 if error.status == 422 else error.status
    return _page(request, status, explain(error, request_language(request)))


async def unexpected_page(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _page(request, 500, translate("error_500_detail", request_language(request)))
