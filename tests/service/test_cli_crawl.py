"""`tbtwatch crawl`, `tbtwatch sources` (health table, add-feed) and the crawl jobs of the scheduler."""

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session
from typer.testing import CliRunner

from service.cli import app
from service.jobs import crawl as crawl_jobs
from store.models import Source
from store.queries.sources import BUILTIN_SOURCES
from store.settings import get_settings
from tests.crawlers.helpers import fixture_bytes, loopback_sources  # noqa: F401 (fixture)
from tests.crawlers.server import FixtureServer, Reply

LATEST = "/api/v1/notifications/getLatestNotifications"


@pytest.fixture
def runner(settings):
    return CliRunner()


@pytest.fixture
def latest_server(settings, monkeypatch, loopback_sources):
    with FixtureServer() as server:
        monkeypatch.setenv("TBTWATCH_EPING_LATEST_URL", server.url + LATEST)
        get_settings.cache_clear()
        yield server


def test_crawl_runs_the_source_and_exits_with_its_status(runner, latest_server, db_engine):
    latest_server.add(LATEST, fixture_bytes("wto_eping_latest", "latest.json"), Reply(b"denied", 403))
    result = runner.invoke(app, ["crawl", "wto_eping_latest"])
    assert result.exit_code == 0, result.output
    assert "wto_eping_latest: 10 new" in result.output
    assert latest_server.requests_to(LATEST)[0]["headers"]["Accept"] == "application/json"
    failed = runner.invoke(app, ["crawl", "wto_eping_latest"])
    assert failed.exit_code == 1 and "HTTP 403" in failed.output
    with Session(db_engine) as session:
        source = session.get(Source, "wto_eping_latest")
    assert source.consecutive_failures == 1 and source.last_success_at is not None


def test_crawl_of_an_unknown_source_or_a_busy_one(runner, settings):
    result = runner.invoke(app, ["crawl", "no_such_source"])
    assert result.exit_code == 2 and "unknown source" in result.output
    with crawl_jobs.source_lock(settings, "wto_eping_latest") as locked:
        assert locked
        assert crawl_jobs.run_crawl("wto_eping_latest").status == crawl_jobs.BUSY


def test_sources_table_and_add_feed(runner, db_engine):
    added = runner.invoke(
        app,
        [
            "sources",
            "add-feed",
            "bsi_news",
            "https://bsi.example/feed.xml",
            "--body",
            "BSI",
            "--ics",
            "29.220",
            "--sector",
            "new-energy",
        ],
    )
    assert added.exit_code == 0, added.output
    again = runner.invoke(app, ["sources", "add-feed", "bsi_news", "https://bsi.example/feed.xml", "--body", "BSI"])
    assert again.exit_code == 1 and "exists already" in again.output
    assert runner.invoke(app, ["sources", "add-feed", "x", "ftp://x", "--body", "X"]).exit_code == 2
    with Session(db_engine) as session:
        feed = session.get(Source, "bsi_news")
    assert (feed.spider, feed.body, feed.options) == (
        "feed",
        "BSI",
        {"ics_codes": ["29.220"], "sectors": ["new-energy"]},
    )
    table = runner.invoke(app, ["sources"], env={"COLUMNS": "220"})
    assert table.exit_code == 0, table.output
    for name in [b.name for b in BUILTIN_SOURCES] + ["bsi_news"]:
        assert name in table.stdout
    assert "last success" in table.stdout and "next run" in table.stdout


def test_schedule_adds_one_job_per_source_with_jitter(settings, db_engine, monkeypatch):
    scheduler = BackgroundScheduler(timezone="UTC")
    crawl_jobs.schedule(scheduler, settings)
    ids = {job.id for job in scheduler.get_jobs()}
    assert "crawl:sync" in ids and "crawl:wto_eping_api" not in ids  # no key set
    assert {f"crawl:{b.name}" for b in BUILTIN_SOURCES if b.name != "wto_eping_api"} <= ids
    job = scheduler.get_job("crawl:iso_open_data")
    assert job.trigger.jitter and job.max_instances == 1
    with Session(db_engine) as session:
        assert session.get(Source, "iso_open_data").next_run_at is not None
        session.add(Source(name="bsi_news", spider="feed", url="https://bsi.example/feed.xml"))
        session.get(Source, "eu_eurlex_oj").enabled = False
        session.commit()
    monkeypatch.setenv("TBTWATCH_EPING_API_KEY", "key")
    get_settings.cache_clear()
    crawl_jobs.sync_jobs(scheduler, get_settings())
    ids = {job.id for job in scheduler.get_jobs()}
    assert {"crawl:bsi_news", "crawl:wto_eping_api"} <= ids and "crawl:eu_eurlex_oj" not in ids


def test_a_crawl_job_never_raises(settings, monkeypatch, caplog):
    def broken(name):
        raise RuntimeError("no database")

    monkeypatch.setattr(crawl_jobs, "run_crawl", broken)
    crawl_jobs._crawl_job(BackgroundScheduler(timezone="UTC"), "iso_open_data")
    assert "could not run" in caplog.text
