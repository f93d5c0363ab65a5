"""The language of a request: ``?lang=``, then the ``lang`` cookie, then Chinese.

The messages themselves are the one gettext catalogue of :mod:`translations`."""

from gettext import GNUTranslations

from fastapi import Request

from translations import DEFAULT_LANGUAGE, LANGUAGES, translations


def request_language(request: Request) -> str:
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def request_translations(request: Request) -> GNUTranslations:
    """The catalogue in the request's language (``.gettext``, ``.pgettext``)."""
    return translations(request_language(request))
