"""Downloader middlewares: retries that wait, and empty answers refused.

HTTP 429 and 503 with ``Retry-After`` wait what the server asks (capped by
``RETRY_AFTER_MAX`` seconds); other retryable statuses (5xx, 408, 429 without the header) and
timeouts or dropped connections wait an exponential backoff with jitter
(``RETRY_BACKOFF_BASE`` × 2^attempt, at most ``RETRY_BACKOFF_MAX``); a host whose address
:mod:`crawlers.addresses` refused is not retried. Waiting happens while
the request still holds its download slot, so the source gets no other request meanwhile.

A successful status with an empty body (EUR-Lex's firewall answers automated clients with a
202 and nothing) is no answer: the request fails with :class:`EmptyAnswer`, which the spider
records as a source error in plain words instead of parsing nothing.
"""

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawlers.addresses import refusal


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting before each retry (replaces it in the settings)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 300.0)

    # Scrapy awaits coroutine middleware methods (2.13+) and no longer passes the spider; the
    # synchronous base cannot wait without blocking the reactor.
    async def process_response(  # type: ignore[override]  # a coroutine where the base returns at once
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        await self._wait(min(asked, self.retry_after_max) if asked is not None else self.backoff(request))
        return retry

    async def process_exception(  # type: ignore[override]  # a coroutine, as process_response
        self, request: Request, exception: Exception
    ) -> Request | None:
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        if refusal(urlsplit(request.url).hostname):  # a refused address stays refused
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await self._wait(self.backoff(request))
        return retry

    def backoff(self, request: Request) -> float:
        """base × 2^(retries so far), plus up to 10 % jitter, capped."""
        delay = self.backoff_base * 2 ** request.meta.get("retry_times", 0)
        return min(self.backoff_max, delay * (1 + random.random() / 10))

    @staticmethod
    async def _wait(seconds: float) -> None:
        if seconds > 0:
            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class EmptyAnswer(IgnoreRequest):
    """The source answered with a success status and an empty body."""


class EmptyAnswerMiddleware:
    """Fails a request whose response is a 2xx other than 204 with nothing in it."""

    def process_response(self, request: Request, response: Response) -> Response:
        if 200 <= response.status < 300 and response.status != 204 and not response.body.strip():
            raise EmptyAnswer(f"HTTP {response.status} with an empty body: the source sent nothing to read")
        return response
