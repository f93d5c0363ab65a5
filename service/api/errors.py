"""Errors of the API as JSON ``{"detail": "a clear message"}``: HTTP errors as raised,
validation errors and refusals of a rule (422) as one readable sentence plus the field list
in ``errors``, a conflict (409) as its sentence, and any unexpected exception as a logged 500
that shows no internals. :mod:`service.errors` sends an error here or to the pages."""

import logging

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.refusals import api_response
from store.refusals import Refused

log = logging.getLogger(__name__)


def _location(error: dict) -> str:
    return ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "request"


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    detail = error.detail if isinstance(error.detail, str) else str(error.detail)
    return JSONResponse({"detail": detail}, status_code=error.status_code, headers=getattr(error, "headers", None))


async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = [{"field": _location(e), "message": e.get("msg", "invalid")} for e in error.errors()]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
    return JSONResponse({"detail": f"invalid request: {detail}", "errors": errors}, status_code=422)


async def refused(request: Request, error: Refused) -> JSONResponse:
    return api_response(error)


async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, PoolTimeout):  # every database connection busy for 30 s: overload, not a fault
        log.warning("no database connection free for %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "the service is busy; try again in a few seconds"}, status_code=503, headers={"Retry-After": "5"}
        )
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
