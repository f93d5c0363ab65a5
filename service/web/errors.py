"""Errors of the pages as pages: a short message in the page's language with a way back.
Redirects raised as HTTP errors (sign in first) pass through unchanged."""

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException

from service.web.templating import render


async def error_page(request: Request, error: HTTPException):
    if error.status_code < 400:
        return await http_exception_handler(request, error)
    page = render(
        request, "error.html", {"status": error.status_code, "detail": error.detail}, status_code=error.status_code
    )
    for name, value in (error.headers or {}).items():
        page.headers[name] = value
    return page
