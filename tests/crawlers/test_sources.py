"""Each source's parse() on recorded-style responses: latest feed, bulk workbook, ISO
snapshots, Federal Register, EUR-Lex, registered feeds; conditional GET."""

import json
from datetime import date

import pytest
import scrapy
from scrapy.http import Request

from bench.workbook import write_workbook
from crawlers.items import ChangeRecord, NotificationRecord, Rejected
from crawlers.spiders.eu_eurlex_oj import EurlexOjSpider
from crawlers.spiders.feed import RegisteredFeedSpider
from crawlers.spiders.iso_open_data import IsoOpenDataSpider, changes_between, snapshot_entry
from crawlers.spiders.us_federal_register import FederalRegisterSpider
from crawlers.spiders.wto_eping_bulk import EpingBulkSpider
from crawlers.spiders.wto_eping_latest import EpingLatestSpider
from store.models import Source
from tests.crawlers.helpers import fixture_bytes, response


def kinds(outputs, kind):
    return [o for o in outputs if isinstance(o, kind)]


def test_latest_feed_rows_become_partial_notifications():
    outputs = list(
        EpingLatestSpider().parse(response("http://t/latest", fixture_bytes("wto_eping_latest", "latest.json")))
    )
    records = kinds(outputs, NotificationRecord)
    assert len(records) == 10
    first = records[0].notification
    assert records[0].partial and not first.symbol.startswith(" ")
    assert first.distribution_date is not None and "<" not in (first.title or "")


def test_latest_feed_that_is_not_an_array_is_an_error():
    spider = EpingLatestSpider()
    assert list(spider.parse(response("http://t/latest", b'{"message": "Bad Request"}'))) == []
    assert "expected a JSON array" in spider.errors[0]


def test_bulk_workbook_rows_to_partial_notifications(tmp_path, dev_records, settings):
    with_symbols = [r for r in dev_records if r["symbol"]][:30]
    path = tmp_path / "Notification_EN.xlsx"
    write_workbook(path, with_symbols, extra_rows=[["G/TBT/N/", "Nowhere"], [None] * 3])
    spider = EpingBulkSpider()
    outputs = [
        record
        for batch in spider.parse(response("http://t/Notification_EN.xlsx", path.read_bytes()))
        for record in batch.items
    ]
    records = {r.notification.symbol: r for r in kinds(outputs, NotificationRecord)}
    [rejected] = kinds(outputs, Rejected)
    assert rejected.location == f"http://t/Notification_EN.xlsx row {len(with_symbols) + 2}"
    for record in with_symbols:
        for symbol in record["all_symbols"] or [record["symbol"]]:
            n = records[symbol].notification
            assert records[symbol].partial
            assert (n.title, n.description, n.products_text) == (
                record["title"],
                record["description"],
                record["products_text"],
            )
            assert n.distribution_date == (
                date.fromisoformat(record["distribution_date"]) if record["distribution_date"] else None
            )
            assert n.comment_deadline == (
                date.fromisoformat(record["comment_deadline"]) if record["comment_deadline"] else None
            )
            assert (n.hs_codes, n.ics_codes, n.objectives) == (
                record["hs_codes"],
                record["ics_codes"],
                record["objectives"],
            )
    assert records[with_symbols[0]["symbol"]].raw == {}  # every column is held by a field


def test_bulk_file_that_is_no_workbook_is_an_error():
    spider = EpingBulkSpider()
    assert list(spider.parse(response("http://t/x.xlsx", b"<html>maintenance</html>"))) == []
    assert "not an xlsx workbook" in spider.errors[0]


def test_conditional_get_sends_validators_and_a_304_yields_nothing(settings, session):
    session.add(
        Source(
            name="wto_eping_bulk", spider="wto_eping_bulk", etag='"e1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT"
        )
    )
    session.commit()
    spider = EpingBulkSpider()
    request = spider.conditional_request("http://t/x.xlsx", spider.parse)
    assert request.headers["If-None-Match"] == b'"e1"'
    assert request.headers["If-Modified-Since"] == b"Mon, 01 Jan 2024 00:00:00 GMT"
    assert request.meta["handle_httpstatus_list"] == [304]
    assert list(spider.parse(response("http://t/x.xlsx", b"", status=304))) == []
    assert spider.errors == [] and spider.on_success == []


ISO_ROWS = [
    json.loads(line)
    for line in fixture_bytes("iso_open_data", "snapshot2.jsonl").splitlines()
    if line.strip().endswith(b"}")
]


def test_iso_changes_between_snapshots():
    previous = {
        str(json.loads(line)["id"]): snapshot_entry(json.loads(line))
        for line in fixture_bytes("iso_open_data", "snapshot1.jsonl").splitlines()
    }
    current = {str(row["id"]): snapshot_entry(row) for row in ISO_ROWS}
    found = {row["id"]: changes_between(previous, row, current) for row in ISO_ROWS}
    assert [kind for kind, _ in found[88915]] == ["new"]
    assert [kind for kind, _ in found[70001]] == ["withdrawn"]
    assert found[70002] == [("revised", "Under revision: to be replaced by ISO 6469-1:2025.")]
    assert changes_between(previous, ISO_ROWS[3])[0][1].endswith("replaced by 70010.")  # unknown: its id
    assert [kind for kind, _ in found[70003]] == ["draft"]
    assert found[70010] == [("revised", "Published; replaces ISO 6469-1:2019.")]
    assert found[88821] == []


def test_iso_first_run_only_takes_the_snapshot(settings, session):
    spider = IsoOpenDataSpider()
    spider.previous = None
    outputs = list(spider.parse(response("http://t/iso.jsonl", fixture_bytes("iso_open_data", "snapshot2.jsonl"))))
    assert kinds(outputs, ChangeRecord) == []
    assert kinds(outputs, Rejected)[0].location == "http://t/iso.jsonl line 3"
    for hook in spider.on_success:
        hook(session)
    assert set(spider.load_snapshot()) == {str(row["id"]) for row in ISO_ROWS}


def test_federal_register_page_and_next_page():
    page = fixture_bytes("us_federal_register", "page1.json").replace(b"{base}", b"http://t/api/v1")
    outputs = list(FederalRegisterSpider().parse(response("http://t/api/v1/documents.json", page)))
    changes = [o.change for o in kinds(outputs, ChangeRecord)]
    correction, proposal = changes
    assert (correction.kind, correction.reference, correction.effective_date) == (
        "new",
        "2024-22520",
        date(2024, 10, 1),
    )
    assert correction.agencies == ["Management and Budget Office"] and correction.comment_deadline is None
    assert correction.summary == "This document corrects the final rule & guidance."
    assert (proposal.kind, proposal.comment_deadline, proposal.body) == (
        "draft",
        date(2024, 12, 2),
        "Environmental Protection Agency",
    )
    [next_page] = kinds(outputs, scrapy.Request)
    assert next_page.url == "http://t/api/v1/documents.json?page=2"
    last = list(
        FederalRegisterSpider().parse(response("http://t/p2", fixture_bytes("us_federal_register", "page2.json")))
    )
    assert len(kinds(last, ChangeRecord)) == 1 and kinds(last, Rejected)[0].location == "http://t/p2 results[1]"
    assert not kinds(last, scrapy.Request)


def test_eurlex_items_are_changes_with_celex_references():
    spider = EurlexOjSpider()
    outputs = list(
        spider.parse_feed(response("http://t/feed.rss?rssId=222", fixture_bytes("eu_eurlex_oj", "l_series.rss")))
    )
    changes = [o.change for o in kinds(outputs, ChangeRecord)]
    assert [c.reference for c in changes] == ["CELEX:32024R2671", "CELEX:32024R2700"]
    assert changes[0].member_code == "EU" and changes[0].published_date == date(2024, 10, 14)
    assert changes[0].summary == changes[0].title == "Commission Implementing Regulation (EU) 2024/2671 on batteries"


@pytest.fixture
def feed_spider(settings, session):
    session.add(
        Source(
            name="cen_news",
            spider="feed",
            url="http://t/news.xml",
            body="CEN-CENELEC",
            options={"ics_codes": ["29.220.20"], "sectors": ["new-energy"]},
        )
    )
    session.commit()
    spider = RegisteredFeedSpider(source="cen_news")
    spider.source = spider.source_row()
    return spider


def test_registered_feed_entries_carry_the_feed_defaults(feed_spider):
    outputs = list(feed_spider.parse_feed(response("http://t/news.xml", fixture_bytes("feed", "atom.xml"))))
    first, _second = [o.change for o in kinds(outputs, ChangeRecord)]
    assert first.title == "New standard EN 50604-1:2024 – secondary lithium batteries"
    assert first.summary == "Published & available."
    assert (first.body, first.ics_codes, first.source) == ("CEN-CENELEC", ["29.220.20"], "cen_news")
    assert kinds(outputs, ChangeRecord)[0].raw["sector_hints"] == ["new-energy"]
    assert feed_spider.errors == []


def test_a_malformed_feed_is_a_recorded_error_not_a_crash(feed_spider):
    list(feed_spider.parse_feed(response("http://t/news.xml", fixture_bytes("feed", "malformed.xml"))))
    assert "malformed feed" in feed_spider.errors[0]
    list(feed_spider.parse_feed(response("http://t/news.xml", b"<html><body>Forbidden</body></html>")))
    assert len(feed_spider.errors) == 2


def test_an_http_error_is_recorded_with_its_status():
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    spider = EurlexOjSpider()
    forbidden = response("http://t/feed.rss", b"denied", status=403)
    forbidden.request = Request("http://t/feed.rss")
    spider.on_error(Failure(HttpError(forbidden, "Ignoring non-200 response")))
    assert spider.errors == ["http://t/feed.rss: HTTP 403"]
