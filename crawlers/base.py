"""The base of every spider: a few declarative attributes, the run's arguments, error
recording, conditional GET and turning published rows into records or rejects.

A spider subclass sets ``name`` (the ``tbtwatch crawl`` argument), a docstring, and:

``url_setting``
    the :class:`store.settings.Settings` field holding the source's base URL;
``conditional``
    True when the source is downloaded whole and re-downloaded only when changed
    (``If-None-Match``/``If-Modified-Since`` from the validators kept on the Source row).
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from sqlmodel import Session
from twisted.python.failure import Failure

from crawlers.addresses import refusal
from crawlers.items import Record, Rejected
from store.db import default_engine, session_scope
from store.models import Source
from store.queries.sources import save_validators
from store.settings import Settings, get_settings

NOT_MODIFIED = 304
Built = TypeVar("Built", bound=Record)


class BaseSpider(scrapy.Spider):
    """Shared behaviour of tbtwatch spiders (see the module docstring)."""

    url_setting: str | None = None
    conditional: bool = False

    def __init__(self, *args, since: str | None = None, until: str | None = None, source: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.since: date | None = date.fromisoformat(since) if since else None
        self.until: date | None = date.fromisoformat(until) if until else None
        self.source_name: str = source or self.name
        self.errors: list[str] = []
        self.on_success: list[Callable[[Session], None]] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._callback_failed, signal=signals.spider_error)
        return spider

    @property
    def run_args(self) -> dict:
        """The arguments recorded on the crawl run."""
        return {"since": self.since and self.since.isoformat(), "until": self.until and self.until.isoformat()}

    @property
    def app_settings(self) -> Settings:
        return get_settings()

    @property
    def base_url(self) -> str:
        if self.url_setting is None:
            raise TypeError(f"{type(self).__name__} sets no url_setting")
        return getattr(self.app_settings, self.url_setting).rstrip("/")

    def source_row(self) -> Source | None:
        with session_scope(default_engine()) as session:
            return session.get(Source, self.source_name)

    # errors: each one makes the run fail; what was stored stays

    def fail(self, message: str) -> None:
        self.errors.append(message)
        self.logger.error(message)

    def on_error(self, failure: Failure) -> None:
        """Errback of every request: a download that failed after its retries."""
        error = failure.value
        if isinstance(error, HttpError):
            self.fail(f"{error.response.url}: HTTP {error.response.status}")
        else:
            request = getattr(failure, "request", None)  # Scrapy sets it on the failure of a download
            where = request.url if request is not None else self.source_name
            refused = refusal(urlsplit(request.url).hostname) if request is not None else None
            self.fail(f"{where}: {refused or failure.getErrorMessage() or type(error).__name__}")

    def _callback_failed(self, failure: Failure, response: Response, spider) -> None:
        if spider is self:
            self.fail(f"{response.url}: {type(failure.value).__name__}: {failure.getErrorMessage()}")

    # requests

    def request(self, url: str, callback: Callable, **kwargs) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, **kwargs)

    def conditional_request(self, url: str, callback: Callable, **kwargs) -> scrapy.Request:
        """A GET sent with the validators of the last complete download, if any."""
        headers = dict(kwargs.pop("headers", {}))
        source = self.source_row()
        if source is not None and source.etag:
            headers["If-None-Match"] = source.etag
        if source is not None and source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        meta = {**kwargs.pop("meta", {}), "handle_httpstatus_list": [NOT_MODIFIED]}
        return self.request(url, callback, headers=headers, meta=meta, **kwargs)

    def not_modified(self, response: Response) -> bool:
        """True for a 304; otherwise the response's validators are kept once the run succeeds."""
        if response.status == NOT_MODIFIED:
            self.logger.info("%s not modified since the last download", response.url)
            return True
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        self.on_success.append(
            lambda session: save_validators(
                session,
                source=self.source_name,
                etag=etag.decode("latin-1") if etag else None,
                last_modified=last_modified.decode("latin-1") if last_modified else None,
            )
        )
        return False

    @staticmethod
    def meta(response: Response) -> dict:
        """The meta of the request a response answers (empty for a response built by hand)."""
        return response.request.meta if response.request is not None else {}

    # rows to records

    def build(
        self, builder: Callable[..., Iterable[Built]], row, location: str, **kwargs
    ) -> Iterator[Built | Rejected]:
        """The records ``builder(row, location, **kwargs)`` makes, or one rejection saying why it could not."""
        try:
            records = list(builder(row, location, **kwargs))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            yield self.reject(location, error)
            return
        yield from records

    def reject(self, location: str, error: Exception) -> Rejected:
        self.logger.warning("rejected %s: %s", location, error)
        return Rejected(location=location, error=f"{type(error).__name__}: {error}"[:1000])
