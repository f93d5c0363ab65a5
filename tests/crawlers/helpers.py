"""Helpers of the crawler tests: the recorded responses under fixtures/, serving the ePing API's
pages from the local server, quick crawl settings, and the fixture letting crawls reach loopback."""

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
def loopback_sources(settings, monkeypatch):
    """Crawls may reach the tests' servers on 127.0.0.1, which, as any non-public address, they
    may not by default."""
    monkeypatch.setenv("TBTWATCH_SOURCE_PRIVATE_NETWORKS", "127.0.0.1")
    get_settings.cache_clear()


def serve_api_pages(server: FixtureServer, pages=(1, 2, 3), overrides: dict | None = None) -> None:
    """The ePing API fixture pages at /eping/notifications/search; ``overrides`` maps a page
    number to the replies to serve for it instead."""
    for page in pages:
        replies = (overrides or {}).get(page) or [fixture_bytes("wto_eping_api", f"page{page}.json")]
        server.add("/eping/notifications/search", *replies, query={"page": page})
