"""Errors of the API as JSON ``{"detail": "a clear message"}``: HTTP errors as raised,
validation errors and refusals of a rule (422) as one readable sentence plus the field list
in ``errors``, a conflict (409) as its sentence, and any unexpected exception as a logged 500
that shows no internals. :mod:`service.errors` sends an error here or to the pages."""

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.refusals import api_response
from store.refusals import Refused

log = logging.getLogger(__name__)


class ErrorOut(BaseModel):
    """Every error of the API."""

    detail: str = Field(description="What went wrong, in a sentence.")


class FieldProblem(BaseModel):
    field: str
    message: str


class ValidationErrorOut(ErrorOut):
    """A request the API cannot take (422): ``errors`` names each field at fault."""

    errors: list[FieldProblem] = []


# The errors every route of the API may answer, as documented in its OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token or session."},
    403: {"model": ErrorOut, "description": "Not allowed for this role, or a cookie-signed change from elsewhere."},
    404: {"model": ErrorOut, "description": "No such record (or not yours)."},
    409: {"model": ErrorOut, "description": "The record's state does not allow this."},
    413: {"model": ErrorOut, "description": "The request body is too large."},
    422: {"model": ValidationErrorOut, "description": "The request is not valid."},
}


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
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
