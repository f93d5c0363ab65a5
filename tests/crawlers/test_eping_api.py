"""The ePing API spider's parse() on recorded-style pages."""

import json
from datetime import date

import pytest
import scrapy

from crawlers.items import NotificationRecord, Rejected
from crawlers.spiders.wto_eping_api import EpingApiSpider
from tests.crawlers.helpers import expected_api_records, fixture_bytes, response
from tests.loops import run_apart

URL = "http://127.0.0.1:9/eping/notifications/search?page={}"


@pytest.fixture
def spider(monkeypatch):
    monkeypatch.setenv("TBTWATCH_EPING_API_KEY", "key")
    monkeypatch.setenv("TBTWATCH_EPING_API_URL", "http://127.0.0.1:9/eping")
    from store.settings import get_settings

    get_settings.cache_clear()
    spider = EpingApiSpider(since="1995-01-01")
    spider.date_from = spider.since
    yield spider
    get_settings.cache_clear()


def parsed(spider, page: int, body: bytes | None = None, attempt: int = 0):
    body = body if body is not None else fixture_bytes("wto_eping_api", f"page{page}.json")
    return list(spider.parse(response(URL.format(page), body), page=page, attempt=attempt))


def by_symbol(outputs) -> dict[str, NotificationRecord]:
    return {o.notification.symbol: o for o in outputs if isinstance(o, NotificationRecord)}


def test_every_notification_comes_back_plain_and_normalised(spider):
    records = {}
    for page in (1, 2, 3):
        records |= by_symbol(parsed(spider, page))
    for expected in expected_api_records():
        for symbol in expected["all_symbols"] or [expected["symbol"]]:
            n = records[symbol].notification
            assert n.title == expected["title"]
            assert n.description == expected["description"]
            assert n.products_text == expected["products_text"]
            for text in (n.title, n.description, n.products_text):
                assert not text or ("<" not in text and "&" not in text.replace(" & ", ""))
            assert n.distribution_date == (
                date.fromisoformat(expected["distribution_date"]) if expected["distribution_date"] else None
            )
            assert n.comment_deadline == (
                date.fromisoformat(expected["comment_deadline"]) if expected["comment_deadline"] else None
            )
            assert n.hs_codes == expected["hs_codes"]
            assert n.ics_codes == expected["ics_codes"]
            assert n.objectives == expected["objectives"]
            assert n.symbol == symbol and not n.symbol.startswith(" ")


def test_joint_list_gives_one_record_per_symbol_each_with_its_member(spider):
    records = by_symbol(parsed(spider, 1))
    joint = [r.notification for r in records.values() if r.notification.joint_symbols]
    assert joint
    for n in joint:
        assert n.symbol in n.joint_symbols
        assert n.member_code == n.symbol.split("/")[3]
    first = records["G/TBT/N/RWA/577"].notification
    assert first.joint_symbols == ["G/TBT/N/BDI/186", "G/TBT/N/RWA/577", "G/TBT/N/TZA/674", "G/TBT/N/UGA/1508"]
    assert first.member_name == "Rwanda"
    assert records["G/TBT/N/BDI/186"].notification.member_name == "布隆迪"  # as published


def test_links_are_split_and_the_next_page_requested(spider):
    outputs = parsed(spider, 1)
    record = next(o for o in outputs if isinstance(o, NotificationRecord))
    assert len(record.notification.links) == 2
    [next_page] = [o for o in outputs if isinstance(o, scrapy.Request)]
    assert "page=2" in next_page.url
    assert next_page.headers["Ocp-Apim-Subscription-Key"] == b"key"
    assert "language=1" in next_page.url and "domainIds=1%2C2" in next_page.url


def test_malformed_rows_are_rejected_with_their_location_and_the_rest_kept(spider):
    outputs = parsed(spider, 3)
    rejected = [o for o in outputs if isinstance(o, Rejected)]
    assert [r.location.rsplit(" ", 1)[1] for r in rejected] == ["items[8]", "items[9]"]
    assert "G/TBT/X/NOPE" in rejected[0].error
    assert len([o for o in outputs if isinstance(o, NotificationRecord)]) >= 8
    assert not [o for o in outputs if isinstance(o, scrapy.Request)]  # the last page


def test_a_truncated_page_is_fetched_again_then_recorded_as_an_error(spider):
    truncated = fixture_bytes("wto_eping_api", "page2_truncated.json")
    parsed(spider, 1)
    [again] = parsed(spider, 2, truncated)
    assert again.cb_kwargs == {"page": 2, "attempt": 1} and again.dont_filter
    outputs = parsed(spider, 2, truncated, attempt=spider.unreadable_retries)
    assert spider.errors and "unreadable page" in spider.errors[0]
    [following] = outputs
    assert following.cb_kwargs["page"] == 3  # the rest is still collected


def test_without_a_key_the_run_fails_clearly(monkeypatch, spider):

    monkeypatch.setenv("TBTWATCH_EPING_API_KEY", "")
    from store.settings import get_settings

    get_settings.cache_clear()

    async def collect():
        return [request async for request in spider.start()]

    assert run_apart(collect()) == []
    assert "TBTWATCH_EPING_API_KEY" in spider.errors[0]


def test_names_as_objects_and_unreadable_secondary_dates_keep_the_notification():
    from crawlers.eping import notification_records

    item = {
        "id": 1,
        "documentSymbol": "g/tbt/n/ken/1170/add.2",
        "notifyingMember": {"name": "Kenya"},
        "notificationType": {"name": "Addendum"},
        "distributionDate": "2023-12-08T00:00:00",
        "commentDeadlineDate": "to be determined",
        "proposedAdoptionDate": "0001-01-01T00:00:00",
        "hsCodes": ["ex 2712.10 Petroleum jelly"],
    }
    [record] = notification_records(item, "here")
    n = record.notification
    assert (n.symbol, n.member_name, n.notification_type) == ("G/TBT/N/KEN/1170/Add.2", "Kenya", "Addendum")
    assert (n.comment_deadline, n.proposed_adoption_date, n.hs_codes) == (None, None, ["271210"])
    with pytest.raises(ValueError):
        notification_records({**item, "distributionDate": "soon"}, "here")


def test_pages_without_a_total_count_go_on_while_full(spider):
    full = json.dumps({"items": [], "pageSize": 2}).encode()
    assert parsed(spider, 1, full) == []  # an empty page ends the crawl
    item = json.loads(fixture_bytes("wto_eping_api", "page1.json"))["items"][3]
    outputs = parsed(spider, 1, json.dumps([item, item]).encode())
    assert kinds_of(outputs) == {"NotificationRecord"}  # fewer than the page size asked for: the last
    outputs = parsed(spider, 1, json.dumps({"items": [item, item], "pageSize": 2}).encode())
    assert "page=2" in next(o for o in outputs if isinstance(o, scrapy.Request)).url
    outputs = parsed(spider, 2, json.dumps({"items": [item], "pageSize": 2}).encode())
    assert not [o for o in outputs if isinstance(o, scrapy.Request)]


def kinds_of(outputs) -> set[str]:
    return {type(o).__name__ for o in outputs}
