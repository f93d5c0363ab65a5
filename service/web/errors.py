"""Errors of the pages as pages: a short message in the page's language with a way back.
Redirects raised as HTTP errors (sign in first) pass through unchanged."""

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException

from service.web.templating import render
from translations import N_

TITLES = {
    400: N_("Bad request"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Cannot change it now"),
    501: N_("Not available"),
}


async def error_page(request: Request, error: HTTPException):
    if error.status_code < 400:
        return await http_exception_handler(request, error)
    page = render(
        request,
        "error.html",
        {"status": error.status_code, "title": TITLES.get(error.status_code), "detail": error.detail},
        status_code=error.status_code,
    )
    for name, value in (error.headers or {}).items():
        page.headers[name] = value
    return page
