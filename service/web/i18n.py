"""The two languages of the pages: Chinese by default, English one click away.

Messages live in ``messages.yaml`` beside this module (key -> zh, en). The language of a
request comes from ``?lang=``, then the ``lang`` cookie, then Chinese.
"""

from functools import lru_cache
from pathlib import Path

import yaml
from fastapi import Request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@lru_cache
def messages() -> dict[str, dict[str, str]]:
    return yaml.safe_load((Path(__file__).parent / "messages.yaml").read_text(encoding="utf-8"))


def request_language(request: Request) -> str:
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def translate(key: str, language: str) -> str:
    """The message for ``key`` in ``language``; the key itself when there is none."""
    entry = messages().get(key)
    return entry.get(language, key) if entry else key
