"""Which answer an error gets: JSON under ``/api/`` (:mod:`service.api.errors`), a page in the
reader's language everywhere else (:mod:`service.web.errors`). Neither package imports the other."""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from service.api import errors as api_errors
from service.web import errors as page_errors
from store.refusals import Refused

API_PREFIX = "/api/"

Handler = Callable[[Request, Exception], Awaitable[Response]]


def _by_path(api: Callable[..., Awaitable[Response]], page: Callable[..., Awaitable[Response]]) -> Handler:
    async def handler(request: Request, error: Exception) -> Response:
        return await (api if request.url.path.startswith(API_PREFIX) else page)(request, error)

    return handler


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _by_path(api_errors.http_error, page_errors.error_page))
    app.add_exception_handler(RequestValidationError, _by_path(api_errors.validation_error, page_errors.invalid_page))
    app.add_exception_handler(Refused, _by_path(api_errors.refused, page_errors.refused_page))
    app.add_exception_handler(Exception, _by_path(api_errors.unexpected_error, page_errors.unexpected_page))
