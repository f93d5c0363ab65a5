"""Text that can be stored and served: no lone surrogates.

A JSON string may spell half of a UTF-16 pair (``"\\ud800"``); Python reads it as a lone
surrogate, a code point no UTF-8 text can hold. PostgreSQL refuses it, SQLite keeps it inside
a JSON column's escaped text, and every later read that encodes it fails. Ways in refuse such
text (:func:`has_lone_surrogate`); the engine's JSON serializer and deserializer
(:func:`dumps`, :func:`loads`) replace any that slip through or were stored before with
U+FFFD, as migration 0007 does to stored rows.
"""

import json
import re
from typing import Any

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# A \uD800-\uDFFF escape in JSON text: the only way a stored JSON value can spell one.
ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_ESCAPED_SURROGATE_BYTES = re.compile(ESCAPED_SURROGATE.pattern.encode())
REPLACEMENT = "\ufffd"


def has_lone_surrogate(value: Any) -> bool:
    """Whether a string, or any string inside lists and dicts, holds a lone surrogate."""
    if isinstance(value, str):
        return LONE_SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_lone_surrogate(v) for v in value)
    return False


def unstorable(value: Any) -> str | None:
    """What in a string, or in strings inside lists and dicts, no text column can store: a NUL
    character or a lone surrogate; None when there is nothing."""
    if isinstance(value, str):
        if "\x00" in value:
            return "a NUL character"
        return "invalid Unicode (a lone surrogate)" if LONE_SURROGATE.search(value) else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return next((reason for reason in map(unstorable, value) if reason), None)
    return None


def repaired(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {repaired(k): repaired(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [repaired(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """JSON text for a column: lone surrogates become U+FFFD."""
    text = json.dumps(value)
    return json.dumps(repaired(value)) if ESCAPED_SURROGATE.search(text) and has_lone_surrogate(value) else text


def loads(text: str | bytes) -> Any:
    """A column's JSON value: lone surrogates stored before are read as U+FFFD. (psycopg hands
    over bytes, SQLite text.)"""
    value = json.loads(text)
    found = ESCAPED_SURROGATE.search(text) if isinstance(text, str) else _ESCAPED_SURROGATE_BYTES.search(text)
    return repaired(value) if found else value
