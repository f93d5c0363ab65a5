"""Fixtures of the crawler tests: the recorded-style responses, a local server for them, and
running a spider as `tbtwatch crawl` does (its own process) against that server."""

import json
from pathlib import Path

import pytest
from scrapy.http import TextResponse

from store.settings import get_settings
from tests.crawlers.server import FixtureServer

FIXTURES = Path(__file__).parent / "fixtures"
FAST = ["-s", "RETRY_BACKOFF_BASE=0.01", "-s", "DOWNLOAD_DELAY=0"]


def fixture_bytes(source: str, name: str) -> bytes:
    return (FIXTURES / source / name).read_bytes()


def expected_api_records() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "wto_eping_api" / "expected.jsonl").read_text().splitlines()]


def response(url: str, body: bytes, status: int = 200, headers: dict | None = None) -> TextResponse:
    return TextResponse(url=url, body=body, status=status, headers=headers or {}, encoding="utf-8")


@pytest.fixture
def server():
    with FixtureServer() as running:
        yield running


@pytest.fixture
def loopback_sources(settings, monkeypatch):
    """Crawls may reach the tests' servers on 127.0.0.1, which, as any non-public address, they
    may not by default."""
    monkeypatch.setenv("TBTWATCH_SOURCE_PRIVATE_NETWORKS", "127.0.0.1")
    get_settings.cache_clear()


@pytest.fixture
def source_env(settings, server, monkeypatch, loopback_sources):
    """Every source URL pointed at the local server; returns a function that sets more env."""
    urls = {
        "TBTWATCH_EPING_API_URL": f"{server.url}/eping",
        "TBTWATCH_EPING_API_KEY": "test-key",
        "TBTWATCH_EPING_BULK_URL": f"{server.url}/NotificationExcelFiles/Notification_EN.xlsx",
        "TBTWATCH_EPING_LATEST_URL": f"{server.url}/api/v1/notifications/getLatestNotifications",
        "TBTWATCH_ISO_OPEN_DATA_URL": f"{server.url}/opendata/iso_deliverables_metadata.jsonl",
        "TBTWATCH_FEDERAL_REGISTER_URL": f"{server.url}/api/v1",
        "TBTWATCH_EURLEX_FEED_URL": f"{server.url}/EN/display-feed.rss",
    }
    for name, value in urls.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def crawl(source_env):
    """Run a crawl as `tbtwatch crawl` does, with quick retries; returns its CrawlOutcome."""
    from service.jobs.crawl import run_crawl

    def run(name: str, **kwargs):
        return run_crawl(name, extra_args=FAST, timeout=120, **kwargs)

    return run


def serve_api_pages(server: FixtureServer, pages=(1, 2, 3), overrides: dict | None = None) -> None:
    """The ePing API fixture pages at /eping/notifications/search; ``overrides`` maps a page
    number to the replies to serve for it instead."""
    for page in pages:
        replies = (overrides or {}).get(page) or [fixture_bytes("wto_eping_api", f"page{page}.json")]
        server.add("/eping/notifications/search", *replies, query={"page": page})
