"""Fixtures of the crawler tests: a local server for the recorded-style responses (tests.crawlers.helpers), and
running a spider as `tbtwatch crawl` does (its own process) against that server."""

import pytest

from store.settings import get_settings
from tests.crawlers.helpers import FAST, loopback_sources  # noqa: F401 (a fixture of these tests)
from tests.crawlers.server import FixtureServer


@pytest.fixture
def server():
    with FixtureServer() as running:
        yield running


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
