"""Item 1, registered feeds: the crawler downloads a feed an administrator registered only from
an address that passed the check, the targets of redirects included. A loopback listener stands
where the feed would aim and receives nothing; the run fails saying why."""

from service.jobs.crawl import run_crawl
from store.db import default_engine, session_scope
from store.queries.sources import add_feed
from store.settings import get_settings
from tests.crawlers.helpers import FAST


def register(url: str) -> None:
    with session_scope(default_engine()) as session:
        add_feed(session, name="aimed", url=url, body="Somebody")


def test_a_feed_at_a_loopback_address_is_never_fetched(settings, listener):
    register(f"http://127.0.0.1:{listener.port}/feed.xml")
    outcome = run_crawl("aimed", extra_args=FAST, timeout=120)
    assert outcome.status == 1 and "non-public address 127.0.0.1" in outcome.run.error
    assert listener.hits == []


def test_a_redirect_from_an_allowed_address_to_loopback_is_not_followed(settings, monkeypatch, listener, redirector):
    monkeypatch.setenv("TBTWATCH_SOURCE_PRIVATE_NETWORKS", "127.0.0.2")  # only the redirector passes
    get_settings.cache_clear()
    register(f"http://127.0.0.2:{redirector.port}/feed.xml")
    outcome = run_crawl("aimed", extra_args=FAST, timeout=120)
    assert redirector.asked == ["/feed.xml"]
    assert outcome.status == 1 and "non-public address 127.0.0.1" in outcome.run.error
    assert listener.hits == []
