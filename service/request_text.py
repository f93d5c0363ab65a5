"""Checks on the raw text of a request that the API and the pages share: a query string
that is not valid UTF-8 (a lone surrogate or a stray byte percent-encoded) would otherwise be
read with replacement characters and searched for as if the person had typed them."""

from urllib.parse import unquote_to_bytes

from fastapi import Request


def query_string_is_utf8(request: Request) -> bool:
    raw = request.scope.get("query_string", b"").replace(b"+", b" ")
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
