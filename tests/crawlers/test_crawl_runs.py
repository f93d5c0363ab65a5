"""Crawls as processes of their own (as `tbtwatch crawl` and the scheduler run them) against
the local server: the ePing API end to end, a source without network, an ISO snapshot pair,
and every spider of the project, offline, in one loop."""

import json
import os
import subprocess
import sys
from datetime import date

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings
from sqlmodel import Session, select
from typer.testing import CliRunner

from bench.workbook import write_workbook
from crawlers.spiders.iso_open_data import IsoOpenDataSpider, snapshot_entry
from service.cli import app
from store.models import CrawlRun, Source, StandardsChange
from tests.crawlers.helpers import FAST, expected_api_records, fixture_bytes, serve_api_pages
from tests.crawlers.server import Reply

SEARCH = "/eping/notifications/search"
ISO_PATH = "/opendata/iso_deliverables_metadata.jsonl"


def test_api_crawl_then_export_gives_every_notification_plain(crawl, server, db_engine):
    serve_api_pages(
        server,
        overrides={
            1: [Reply(b"busy", 429, {"Retry-After": "1"}), fixture_bytes("wto_eping_api", "page1.json")],
            2: [fixture_bytes("wto_eping_api", "page2_truncated.json"), fixture_bytes("wto_eping_api", "page2.json")],
        },
    )
    outcome = crawl("wto_eping_api", since=date(1995, 1, 1))
    assert outcome.status == 0, outcome.message
    expected = {s: r for r in expected_api_records() for s in (r["all_symbols"] or [r["symbol"]])}
    assert (outcome.run.items_new, outcome.run.items_rejected) == (len(expected), 2)
    assert [r["location"].rsplit(" ", 1)[1] for r in outcome.run.rejects] == ["items[8]", "items[9]"]
    requests = server.requests_to(SEARCH)
    assert [r["query"]["page"][0] for r in requests] == ["1", "1", "2", "2", "3"]  # 429 and truncation retried
    assert all(r["headers"]["Ocp-Apim-Subscription-Key"] == "test-key" for r in requests)
    assert requests[0]["query"]["distributionDateFrom"] == ["1995-01-01"]

    result = CliRunner().invoke(app, ["export", "notifications", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    exported = {r["symbol"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(exported) == set(expected)
    for symbol, record in exported.items():
        source = expected[symbol]
        for field in (
            "title",
            "description",
            "products_text",
            "distribution_date",
            "comment_deadline",
            "hs_codes",
            "ics_codes",
            "objectives",
            "notification_type",
        ):
            assert record[field] == source[field], (symbol, field)
        assert record["all_symbols"] == (sorted(source["all_symbols"]) if source["all_symbols"] else None)
        assert record["member_code"] == symbol.split("/")[3] or "Notif" in symbol


def test_no_network_is_a_failed_run_not_a_crash(crawl, monkeypatch, db_engine):
    import socket

    from store.settings import get_settings

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TBTWATCH_EPING_LATEST_URL", f"http://127.0.0.1:{port}/latest")
    get_settings.cache_clear()
    outcome = crawl("wto_eping_latest")
    assert outcome.status == 1 and "refused" in outcome.run.error.lower()
    with Session(db_engine) as session:
        [run] = session.exec(select(CrawlRun)).all()
        source = session.get(Source, "wto_eping_latest")
    assert run.status == "failed" and run.finished_at is not None
    assert source.consecutive_failures == 1


def test_iso_snapshot_pair_gives_standards_changes(crawl, server, db_engine, session):
    spider = IsoOpenDataSpider()  # the first run's snapshot, as it would have saved it
    spider.save_snapshot(
        {
            str(row["id"]): snapshot_entry(row)
            for row in map(json.loads, fixture_bytes("iso_open_data", "snapshot1.jsonl").splitlines())
        }
    )
    session.add(Source(name="iso_open_data", spider="iso_open_data", etag='"v1"'))
    session.commit()
    server.add(ISO_PATH, Reply(fixture_bytes("iso_open_data", "snapshot2.jsonl"), headers={"ETag": '"v2"'}))
    outcome = crawl("iso_open_data")
    assert outcome.status == 0, outcome.message
    assert server.requests_to(ISO_PATH)[0]["headers"]["If-None-Match"] == '"v1"'
    assert outcome.run.items_rejected == 1 and outcome.run.rejects[0]["location"].endswith("line 3")
    with Session(db_engine) as fresh:
        changes = {(c.external_id, c.kind): c for c in fresh.exec(select(StandardsChange))}
        assert fresh.get(Source, "iso_open_data").etag == '"v2"'
    assert set(changes) == {
        ("88915", "new"),
        ("70001", "withdrawn"),
        ("70002", "revised"),
        ("70003", "draft"),
        ("70010", "revised"),
    }
    published = changes[("88915", "new")]
    assert (published.stage, published.ics_codes, published.committee) == (
        "60.60",
        ["35.040.30"],
        "ISO/IEC JTC 1/SC 29",
    )
    assert published.published_date == date(2025, 1, 8)

    result = CliRunner().invoke(app, ["export", "changes", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(exported) == 5 and all("<" not in (r["summary"] or "") for r in exported)
    assert (
        CliRunner().invoke(app, ["export", "changes", "--format", "csv"]).stdout.startswith("source,external_id,kind")
    )


RUN_EVERY_SPIDER = """
import sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from twisted.internet import defer

settings = get_project_settings()
for option in sys.argv[1:]:
    name, value = option.split("=", 1)
    settings.set(name, value, priority="cmdline")
process = CrawlerProcess(settings)

@defer.inlineCallbacks
def crawl_each():
    for name in sorted(process.spider_loader.list()):
        yield process.crawl(name, **({"source": "test_feed"} if name == "feed" else {}))
    from twisted.internet import reactor
    reactor.stop()

process.crawl_each = crawl_each()
process.start(stop_after_crawl=False)
"""


def test_every_spider_runs_offline(source_env, server, db_engine, session, tmp_path, dev_records):
    """Every spider of the project against the local server, one after the other in one process."""
    names = SpiderLoader.from_settings(get_project_settings()).list()
    session.add(Source(name="test_feed", spider="feed", url=f"{server.url}/feeds/news.xml", body="CEN-CENELEC"))
    session.commit()
    workbook = tmp_path / "Notification_EN.xlsx"
    write_workbook(workbook, [r for r in dev_records if r["symbol"]][:40])
    serve_api_pages(server)
    server.add("/NotificationExcelFiles/Notification_EN.xlsx", Reply(workbook.read_bytes(), headers={"ETag": '"b1"'}))
    server.add("/api/v1/notifications/getLatestNotifications", fixture_bytes("wto_eping_latest", "latest.json"))
    server.add(ISO_PATH, fixture_bytes("iso_open_data", "snapshot1.jsonl"))
    server.add(
        "/api/v1/documents.json",
        fixture_bytes("us_federal_register", "page1.json").replace(b"{base}", f"{server.url}/api/v1/p2".encode()),
    )
    server.add("/api/v1/p2/documents.json", fixture_bytes("us_federal_register", "page2.json"))
    server.add(
        "/api/v1/public-inspection-documents/current.json",
        fixture_bytes("us_federal_register_inspection", "current.json"),
    )
    server.add("/EN/display-feed.rss", fixture_bytes("eu_eurlex_oj", "l_series.rss"), query={"rssId": 222})
    server.add("/EN/display-feed.rss", fixture_bytes("eu_eurlex_oj", "c_series.rss"), query={"rssId": 221})
    server.add("/feeds/news.xml", fixture_bytes("feed", "atom.xml"))

    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}
    options = [option.split(" ")[-1] for option in FAST if option != "-s"]
    done = subprocess.run(
        [sys.executable, "-c", RUN_EVERY_SPIDER, *options],
        env=env,
        timeout=300,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    with Session(db_engine) as fresh:
        runs = {run.source: run for run in fresh.exec(select(CrawlRun))}
    assert set(runs) == (set(names) - {"feed"}) | {"test_feed"}
    for source, run in runs.items():
        assert run.status == "success", (source, run.error)
        assert run.finished_at is not None
        if source != "iso_open_data":  # its first run only takes the snapshot
            assert run.items_new + run.items_updated + run.items_unchanged > 0, source
    assert runs["us_federal_register"].items_rejected == 1
    assert runs["eu_eurlex_oj"].items_new == 3
