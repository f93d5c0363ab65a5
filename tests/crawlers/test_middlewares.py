"""Retries that wait: Retry-After honoured, exponential backoff otherwise."""

from datetime import UTC, datetime

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawlers.middlewares import BackoffRetryMiddleware, retry_after_seconds
from crawlers.spiders.wto_eping_api import EpingApiSpider
from tests.loops import run_apart


def middleware(**settings):
    crawler = get_crawler(EpingApiSpider, {"RETRY_TIMES": 2, "RETRY_BACKOFF_BASE": 0, **settings})
    crawler.spider = crawler._create_spider()
    return BackoffRetryMiddleware.from_crawler(crawler)


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retry_after_seconds(b"7") == 7
    assert retry_after_seconds("Thu, 01 Jan 2026 00:00:30 GMT", now=now) == 30
    assert retry_after_seconds("Wed, 31 Dec 2025 23:00:00 GMT", now=now) == 0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None


def test_429_with_retry_after_is_retried_until_the_retries_run_out():
    mw = middleware()
    request = Request("http://t/page")
    busy = Response("http://t/page", status=429, headers={"Retry-After": "0"}, request=request)
    retry = run_apart(mw.process_response(request, busy))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    last = retry.replace(meta={"retry_times": 2})
    assert run_apart(mw.process_response(last, busy)) is busy  # given up: the errback records it


def test_success_and_client_errors_pass_through():
    mw = middleware()
    request = Request("http://t/page")
    for status in (200, 404):
        page = Response("http://t/page", status=status, request=request)
        assert run_apart(mw.process_response(request, page)) is page


def test_timeouts_are_retried_and_backoff_doubles():
    mw = middleware(RETRY_BACKOFF_BASE=1, RETRY_BACKOFF_MAX=60)
    assert 1 <= mw.backoff(Request("http://t")) <= 1.1
    assert 4 <= mw.backoff(Request("http://t", meta={"retry_times": 2})) <= 4.4
    assert mw.backoff(Request("http://t", meta={"retry_times": 10})) == 60
    quick = middleware()
    retry = run_apart(quick.process_exception(Request("http://t/page"), TwistedTimeoutError()))
    assert isinstance(retry, Request)
