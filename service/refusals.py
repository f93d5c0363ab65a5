"""Refusals put into words: the one place a :class:`store.refusals.Refused` becomes a sentence.

A rule's message is ``refused_<key>`` in the message catalogue, in Chinese and English, with
``{name}`` slots for the refusal's values. Lists are joined the way each language joins them,
a :class:`~store.refusals.Term` value (a status, a kind) is itself looked up, so no code
name reaches a reader, and a value with a ``text(language)`` method words itself. Pages show the reader's language; the API and the CLI show English.
"""

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from fastapi.responses import JSONResponse

from service.web.i18n import translate
from store.refusals import Refused, Term


@runtime_checkable
class Localised(Protocol):
    """A value that words itself (such as :class:`alerts.outbound.ChannelRefused`)."""

    def text(self, language: str) -> str: ...


def _shown(value: object, language: str) -> str:
    if isinstance(value, Localised):
        return value.text(language)
    if isinstance(value, Term):
        return translate(str(value), language)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ("、" if language == "zh" else ", ").join(_shown(part, language) for part in value)
    return str(value)


def explain(refusal: Refused, language: str = "en") -> str:
    """The refusal as one sentence in ``language``."""
    template = translate(f"refused_{refusal.key}", language)
    return template.format(**{name: _shown(value, language) for name, value in refusal.values.items()})


def api_response(refusal: Refused) -> JSONResponse:
    """The API's answer to a refusal, in English: 422 shaped like the API's validation errors
    (``detail`` plus ``errors`` by field); any other status (409, 413, …) as ``{"detail"}``."""
    message = explain(refusal)
    if refusal.status != 422:
        return JSONResponse({"detail": message}, status_code=refusal.status)
    field = refusal.field or "request"
    body = {"detail": f"invalid request: {field}: {message}", "errors": [{"field": field, "message": message}]}
    return JSONResponse(body, status_code=422)
