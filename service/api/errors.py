"""Errors of the API as JSON ``{"detail": "a clear message"}``: HTTP errors as raised,
validation errors (422) as one readable sentence plus the field list in ``errors``, and any
unexpected exception as a logged 500 that shows no internals."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)
API_PREFIX = "/api/"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _location(error: dict) -> str:
    return ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "request"


def install_error_handlers(app: FastAPI) -> None:
    """JSON errors for the API; pages show HTTP errors as pages (:mod:`service.web.errors`)."""
    from service.web.errors import error_page

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        if not _is_api(request):
            return await error_page(request, error)
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        return JSONResponse({"detail": detail}, status_code=error.status_code, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError):
        errors = [{"field": _location(e), "message": e.get("msg", "invalid")} for e in error.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
        return JSONResponse({"detail": f"invalid request: {detail}", "errors": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
