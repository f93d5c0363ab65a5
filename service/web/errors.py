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
from service.web.i18n import request_language, request_translations
from service.web.templating import render
from store.refusals import Refused
from translations import N_

log = logging.getLogger(__name__)
# what each status means (the heading), and its explanation when no page said more
TITLES = {
    400: N_("Bad request"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Cannot change it now"),
    413: N_("Too large"),
    500: N_("Something went wrong"),
    501: N_("Not available"),
}
DETAILS = {
    400: N_("This request cannot be handled."),
    403: N_("Your account may not do this."),
    404: N_("This page or record does not exist, or was removed."),
    405: N_("This address does not take this kind of request."),
    409: N_("The record's current state does not allow this."),
    413: N_("Forms take up to 1 MB, attachments up to 10 MB each."),
    500: N_("An unexpected error occurred and was logged; please try again later."),
    501: N_("This is not available in this deployment."),
}
# the reasons pages raise as HTTPException details
REASONS = {
    "role_may_not_open": N_("Your role may not open this page."),
    "form_expired": N_("The form has expired or did not come from this site; reload the page and try again."),
}


def _page(request: Request, status: int, detail: str | None, headers: Mapping[str, str] | None = None) -> Response:
    context = {"status": status, "title": TITLES.get(status), "detail": detail}
    page = render(request, "error.html", context, status_code=status)
    for name, value in (headers or {}).items():
        page.headers[name] = value
    return page


async def error_page(request: Request, error: HTTPException) -> Response:
    if error.status_code < 400:
        return await http_exception_handler(request, error)
    # a page raises its reason as a catalogue key; anything else (a framework's English) is
    # replaced by what the status means, in the reader's language
    reason = REASONS.get(error.detail) if isinstance(error.detail, str) else None
    detail = reason or DETAILS.get(error.status_code)
    return _page(
        request, error.status_code, request_translations(request).gettext(detail) if detail else None, error.headers
    )


async def invalid_page(request: Request, error: RequestValidationError) -> Response:
    """An address whose values the page cannot read (a page number of 0, a date like 2026-13-45);
    a path that names no record (``/subscriptions/abc``) is a page not found."""
    if all(e.get("loc", ("",))[0] == "path" for e in error.errors()):
        return _page(request, 404, request_translations(request).gettext(DETAILS[404]))
    fields = sorted({str(e.get("loc", ("", ""))[-1]) for e in error.errors()})
    message = request_translations(request).gettext(
        "This page's address holds a value that cannot be read (%(fields)s); go back and choose again."
    )
    return _page(request, 400, message % {"fields": ", ".join(fields)})


async def refused_page(request: Request, error: Refused) -> Response:
    status = 400 if error.status == 422 else error.status
    return _page(request, status, explain(error, request_language(request)))


async def unexpected_page(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _page(request, 500, request_translations(request).gettext(DETAILS[500]))
