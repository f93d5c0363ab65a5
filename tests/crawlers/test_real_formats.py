"""The sources as they really answer: one test per defect found on real published responses
(``fixtures/*/README.md`` says where each came from), and the Federal Register's public
inspection desk."""

import json
from datetime import date

import openpyxl
import scrapy
from scrapy.http import Request, TextResponse
from sqlmodel import Session, select

from bench.workbook import write_workbook
from crawlers.items import ChangeRecord, NotificationRecord, Rejected
from crawlers.spiders.eu_eurlex_oj import EurlexOjSpider
from crawlers.spiders.iso_open_data import IsoOpenDataSpider, deliverable_title
from crawlers.spiders.us_federal_register import MAX_RESULTS, FederalRegisterSpider
from crawlers.spiders.us_federal_register_inspection import FederalRegisterInspectionSpider
from crawlers.spiders.wto_eping_bulk import EpingBulkSpider
from store.models import CrawlRun
from tests.crawlers.helpers import FIXTURES, fixture_bytes, response
from tests.crawlers.server import Reply


def kinds(outputs, kind):
    return [o for o in outputs if isinstance(o, kind)]


def real_iso_rows() -> list[dict]:
    return [json.loads(line) for line in fixture_bytes("iso_open_data", "real_rows.jsonl").splitlines()]


def test_iso_rows_give_their_title_not_their_reference():
    titles = {row["reference"]: deliverable_title(row) for row in real_iso_rows()}
    assert titles["ISO 18074:2015"] == (
        "Textiles — Identification of some animal fibres by DNA analysis method — Cashmere, wool, yak and their blends"
    )
    assert titles["ISO/IEC 10918-5:2013"].startswith("Information technology — Digital compression")
    assert titles["ISO 9001:2015"] == "ISO 9001:2015"  # this fixture left the title out
    spider = IsoOpenDataSpider()
    spider.previous = {}
    outputs = list(spider.parse(response("http://t/iso.jsonl", fixture_bytes("iso_open_data", "real_rows.jsonl"))))
    changes = {c.change.reference: c.change for c in kinds(outputs, ChangeRecord)}
    assert set(changes) == {"ISO/TR 7035-2:2024", "ISO/IEC 19566-7:2022/Amd 1:2025"}  # the two published (60.60)
    assert all(
        change.title == deliverable_title(row) for row in real_iso_rows() if (change := changes.get(row["reference"]))
    )


def eurlex_response(name: str, series: str) -> TextResponse:
    url = f"http://t/EN/display-feed.rss?rssId={222 if series == 'L' else 221}"
    return TextResponse(
        url=url,
        body=fixture_bytes("eu_eurlex_oj", name),
        encoding="utf-8",
        request=Request(url, meta={"series": series}),
    )


def test_eurlex_real_items_keep_their_celex_oj_reference_and_series():
    outputs = list(EurlexOjSpider().parse_feed(eurlex_response("real_items.rss", "L")))
    changes = [o.change for o in kinds(outputs, ChangeRecord)]
    assert [(c.reference, c.series) for c in changes] == [
        ("CELEX:32026L1472", "L"),
        ("CELEX:32026R1465", "L"),
        ("CELEX:32015R0757R(03)", "L"),
        ("OJ:L_202601957", "L"),
        ("OJ:C_202604108", "C"),
        ("OJ:C_202604008", "C"),
    ]
    assert changes[1].title == "Council Regulation (EU) 2026/1465 of 25 June 2026 amending Regulation (EU) 2021/2283"
    assert changes[2].title is None  # a corrigendum's title is its CELEX number alone
    assert changes[0].published_date == date(2026, 6, 30) and changes[0].summary is None
    assert len({c.reference for c in changes}) == len(changes)


def test_an_empty_202_answer_is_a_clean_recorded_source_error(crawl, server, db_engine):
    server.add("/EN/display-feed.rss", Reply(b"", status=202))
    outcome = crawl("eu_eurlex_oj")
    assert outcome.status == 1
    with Session(db_engine) as fresh:
        [run] = fresh.exec(select(CrawlRun))
    assert run.status == "failed"
    assert "HTTP 202 with an empty body: the source sent nothing to read" in run.error
    assert "Traceback" not in run.error and "AttributeError" not in run.error


def federal_register_changes() -> dict:
    outputs = FederalRegisterSpider().parse(
        response("http://t/api/v1/documents.json", fixture_bytes("us_federal_register", "real_documents.json"))
    )
    return {o.change.reference: o.change for o in outputs if isinstance(o, ChangeRecord)}


def test_federal_register_agencies_with_only_a_raw_name_are_kept_and_the_body_is_the_issuer():
    changes = federal_register_changes()
    assert len(changes) == 6
    interior = changes["2024-00005"]
    assert interior.agencies == ["Interior Department", "Office of the Secretary"]
    assert interior.body == "Office of the Secretary, Interior Department"
    assert changes["2023-28483"].body == "National Oceanic and Atmospheric Administration"
    assert changes["2023-28718"].body == "Federal Aviation Administration"
    assert changes["2023-28718"].comment_deadline == date(2024, 2, 1)
    assert changes["2023-27783"].body == "Federal Maritime Commission"
    assert changes["2024-00253"].body == "Employment and Training Administration"
    assert "Office of the Secretary" in changes["2024-00253"].agencies


def window_response(since: date, until: date, body: bytes) -> TextResponse:
    url = f"http://t/api/v1/documents.json?since={since}"
    return TextResponse(url=url, body=body, encoding="utf-8", request=Request(url, meta={"window": (since, until)}))


def test_federal_register_splits_a_window_beyond_the_api_limit():
    page = json.loads(fixture_bytes("us_federal_register", "real_documents.json"))
    over = json.dumps({**page, "count": MAX_RESULTS + 1}).encode()
    spider = FederalRegisterSpider()
    requests = kinds(list(spider.parse(window_response(date(2020, 1, 1), date(2024, 1, 17), over))), scrapy.Request)
    assert [r.meta["window"] for r in requests] == [
        (date(2020, 1, 1), date(2022, 1, 8)),
        (date(2022, 1, 9), date(2024, 1, 17)),
    ]
    assert all("publication_date%5D%5Blte%5D" in r.url for r in requests)
    assert kinds(list(spider.parse(window_response(date(2024, 1, 2), date(2024, 1, 2), over))), ChangeRecord) == []
    assert "more than the 10,000 the API serves" in spider.errors[0]
    within = list(spider.parse(window_response(date(2024, 1, 2), date(2024, 1, 17), json.dumps(page).encode())))
    assert len(kinds(within, ChangeRecord)) == 6


def test_eping_bulk_excel_serial_dates_month_first_dates_and_prefixed_codes(tmp_path, dev_records):
    record = next(r for r in dev_records if r["symbol"] and not r["all_symbols"] and r["distribution_date"])
    path = tmp_path / "Notification_EN.xlsx"
    write_workbook(path, [record])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    row[header.index("Distribution date")].value = 46280  # a date cell's serial number, unformatted
    row[header.index("Final date for comments")].value = "9/15/2026"
    row[header.index("HS code(s)")].value = "HS 8507, HS 8507.60"
    row[header.index("ICS code(s)")].value = "ICS 43.120; ICS: 29.220.20"
    book.save(path)
    outputs = [
        r for batch in EpingBulkSpider().parse(response("http://t/x.xlsx", path.read_bytes())) for r in batch.items
    ]
    assert kinds(outputs, Rejected) == []
    [stored] = kinds(outputs, NotificationRecord)
    n = stored.notification
    assert (n.distribution_date, n.comment_deadline) == (date(2026, 9, 15), date(2026, 9, 15))
    assert (n.hs_codes, n.ics_codes) == (["8507", "850760"], ["43.120", "29.220.20"])


def test_public_inspection_rules_arrive_before_publication():
    spider = FederalRegisterInspectionSpider()
    outputs = list(
        spider.parse(
            response(
                "http://t/api/v1/public-inspection-documents/current.json",
                fixture_bytes("us_federal_register_inspection", "current.json"),
            )
        )
    )
    records = kinds(outputs, ChangeRecord)
    assert [r.change.reference for r in records] == ["2026-20006", "2026-20007"]  # the notice is left out
    first = records[1].change
    assert (first.kind, first.stage, first.published_date, first.member_code) == (
        "new",
        "public inspection",
        date(2026, 9, 29),
        "USA",
    )
    assert first.title == "Removing Duplicative Penalties Information and Reorganizing Certain Parts"
    assert first.body == "Foreign Assets Control Office"
    assert "to be published in the Federal Register on 2026-09-30" in first.summary
    assert records[1].later_source == "us_federal_register" and spider.errors == []


def test_public_inspection_then_publication_is_one_item(crawl, server, db_engine):
    from store.models import ItemRevision, StandardsChange

    server.add(
        "/api/v1/public-inspection-documents/current.json",
        fixture_bytes("us_federal_register_inspection", "current.json"),
    )
    server.add("/api/v1/documents.json", fixture_bytes("us_federal_register_inspection", "published.json"))
    assert crawl("us_federal_register_inspection").status == 0
    with Session(db_engine) as fresh:
        before = {c.external_id: (c.id, c.first_seen_at) for c in fresh.exec(select(StandardsChange))}
    assert set(before) == {"2026-20006", "2026-20007"}
    assert crawl("us_federal_register", since=date(2026, 9, 28), until=date(2026, 9, 30)).status == 0
    assert crawl("us_federal_register_inspection").status == 0  # the desk still lists it: nothing new
    with Session(db_engine) as fresh:
        changes = {c.external_id: c for c in fresh.exec(select(StandardsChange))}
        revisions = list(fresh.exec(select(ItemRevision)))
    assert len(changes) == 2
    published = changes["2026-20007"]
    assert (published.id, published.first_seen_at) == before["2026-20007"]
    assert (published.source, published.stage, published.published_date) == (
        "us_federal_register",
        None,
        date(2026, 9, 30),
    )
    assert published.body == "Foreign Assets Control Office"
    assert [r.item_id for r in revisions] == [published.id]
    assert changes["2026-20006"].source == "us_federal_register_inspection"


def test_every_fixture_folder_says_where_its_files_came_from():
    for folder in (path for path in FIXTURES.iterdir() if path.is_dir()):
        readme = (folder / "README.md").read_text(encoding="utf-8")
        for name in (p.name for p in folder.iterdir() if p.name != "README.md"):
            assert f"`{name}`" in readme, (folder.name, name)
