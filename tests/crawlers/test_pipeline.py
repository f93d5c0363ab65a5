"""The store pipeline in process: batches, idempotence, kept changes, partial sources,
rejects with locations, and the crawl run with the source's health."""

import pytest
from scrapy.utils.test import get_crawler
from sqlmodel import Session, select

from crawlers.eping import notification_records
from crawlers.items import Rejected
from crawlers.pipelines import StorePipeline
from crawlers.spiders.wto_eping_api import EpingApiSpider
from crawlers.spiders.wto_eping_latest import EpingLatestSpider
from store.models import CrawlRun, ItemRevision, Notification, Source

ITEM = {
    "id": 4242,
    "documentSymbol": " G/TBT/N/KEN/1463, G/TBT/N/UGA/1800",
    "notifyingMember": "Kenya",
    "notificationType": "Regular notification",
    "distributionDate": "2023-06-26T00:00:00",
    "commentDeadlineDate": None,
    "title": "<p>Mosquito repellent wipes &ndash; Specification</p>",
    "descriptionPlain": "Requirements for skin applied wipes.",
    "description": "<p>ignored</p>",
    "hsCodes": "3808.91",
    "icsCodes": [{"code": "71.100.70"}],
    "objectives": [{"name": "Protection of human health or safety"}],
    "countriesAffected": [{"name": "All trading partners"}],
    "allTradingPartners": True,
}


def run_pipeline(spider_class, batches, *, errors=(), batch_size=1000):
    """One crawl's pipeline: open, process every item, close; returns the recorded run."""
    crawler = get_crawler(spider_class, {"TBTWATCH_BATCH": batch_size})
    crawler.spider = crawler._create_spider()
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    for item in batches:
        pipeline.process_item(item)
    crawler.spider.errors.extend(errors)
    crawler.stats.set_value("finish_reason", "finished")
    pipeline.close_spider()
    with Session(pipeline.engine) as session:
        return session.get(CrawlRun, pipeline.run_id)


def records(item=ITEM, **kwargs):
    return notification_records(item, "http://test/page1 items[0]", **kwargs)


@pytest.fixture
def rows(settings, db_engine):
    def read():
        with Session(db_engine) as session:
            return {n.symbol: n for n in session.exec(select(Notification))}

    return read


def test_same_items_twice_are_one_row_each_and_unchanged(rows):
    first = run_pipeline(EpingApiSpider, records())
    assert (first.status, first.items_new) == ("success", 2)
    second = run_pipeline(EpingApiSpider, records())
    assert (second.items_new, second.items_unchanged) == (0, 2)
    stored = rows()
    assert set(stored) == {"G/TBT/N/KEN/1463", "G/TBT/N/UGA/1800"}
    uganda = stored["G/TBT/N/UGA/1800"]
    assert (uganda.member_code, uganda.member_name) == ("UGA", "Uganda")
    assert uganda.title == "Mosquito repellent wipes – Specification"
    assert uganda.description == "Requirements for skin applied wipes."
    assert (uganda.hs_codes, uganda.ics_codes) == (["380891"], ["71.100.70"])


def test_a_changed_item_is_updated_and_its_change_kept(rows, db_engine):
    run_pipeline(EpingApiSpider, records())
    changed = {**ITEM, "commentDeadlineDate": "2023-08-25T00:00:00"}
    run = run_pipeline(EpingApiSpider, records(changed))
    assert run.items_updated == 2
    assert str(rows()["G/TBT/N/KEN/1463"].comment_deadline) == "2023-08-25"
    with Session(db_engine) as session:
        revisions = session.exec(select(ItemRevision)).all()
    assert {tuple(r.changes["comment_deadline"]) for r in revisions} == {(None, "2023-08-25")}


def test_partial_records_never_blank_what_a_fuller_source_stored(rows):
    run_pipeline(EpingApiSpider, records())
    latest = {
        "documentSymbol": " G/TBT/N/KEN/1463",
        "notifyingMember": "Kenya",
        "distributionDate": "26/06/2023",
        "title": "<p>Mosquito repellent wipes &ndash; Specification</p>",
    }
    run = run_pipeline(EpingLatestSpider, records(latest, partial=True))
    assert run.items_unchanged == 1
    kenya = rows()["G/TBT/N/KEN/1463"]
    assert kenya.description == "Requirements for skin applied wipes." and kenya.hs_codes == ["380891"]


def test_an_addendum_arriving_first_is_linked_to_its_base(rows):
    addendum = {**ITEM, "id": 4243, "documentSymbol": "G/TBT/N/KEN/1463/Add.1"}
    run_pipeline(EpingApiSpider, records(addendum) + records())
    stored = rows()
    assert stored["G/TBT/N/KEN/1463/Add.1"].base_symbol == "G/TBT/N/KEN/1463"
    assert stored["G/TBT/N/KEN/1463/Add.1"].symbol_kind == "addendum"


def test_a_record_the_database_refuses_is_rejected_and_the_batch_kept(rows):
    good = records()
    bad = good[0].model_copy(
        update={
            "location": "http://test/page1 items[6]",
            "notification": good[0].notification.model_copy(update={"symbol": "G/XYZ/1"}),
        }
    )
    batch = [good[0], bad, Rejected(location="http://test/page1 items[5]", error="malformed"), good[1]]
    run = run_pipeline(EpingApiSpider, batch, batch_size=2)
    assert run.items_new == 2 and run.items_rejected == 2
    assert sorted(r["location"] for r in run.rejects) == ["http://test/page1 items[5]", "http://test/page1 items[6]"]
    assert any("G/XYZ/1" in r["error"] for r in run.rejects)
    assert set(rows()) == {"G/TBT/N/KEN/1463", "G/TBT/N/UGA/1800"}


def test_failures_keep_data_count_consecutively_and_reset_on_success(rows, db_engine):
    run_pipeline(EpingApiSpider, records())
    for attempt in (1, 2):
        failed = run_pipeline(EpingApiSpider, [], errors=["http://test/page1: HTTP 503"])
        assert failed.status == "failed" and failed.error == "http://test/page1: HTTP 503"
        with Session(db_engine) as session:
            assert session.get(Source, "wto_eping_api").consecutive_failures == attempt
    assert len(rows()) == 2
    run_pipeline(EpingApiSpider, records())
    with Session(db_engine) as session:
        source = session.get(Source, "wto_eping_api")
    assert source.consecutive_failures == 0 and source.last_success_at and source.last_error


def test_a_large_batch_is_indexed_for_search_and_the_index_kept_current(rows, db_engine):
    from sqlalchemy import text

    items = [
        {
            **ITEM,
            "id": n,
            "documentSymbol": f"G/TBT/N/KEN/{2000 + n}",
            "descriptionPlain": f"Requirements number {n} for skin applied wipes.",
        }
        for n in range(150)
    ]
    run = run_pipeline(EpingApiSpider, [r for item in items for r in records(item)])
    assert run.items_new == 150
    with Session(db_engine) as session:
        if db_engine.dialect.name == "sqlite":
            hits = session.execute(
                text("SELECT count(*) FROM notification_fts WHERE notification_fts MATCH 'number 149'")
            ).scalar()
            trigger = session.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'notification_fts_ai'")
            ).scalar()
            assert (hits, trigger) == (1, 1)
        else:
            hits = session.execute(
                text("SELECT count(*) FROM notification WHERE search_vector @@ to_tsquery('simple', 'number')")
            ).scalar()
            assert hits == 150
    run_pipeline(EpingApiSpider, records())  # a small batch goes through the trigger
    assert len(rows()) == 152


def test_an_unregistered_source_is_refused_not_made_up(settings, db_engine):
    from crawlers.spiders.feed import RegisteredFeedSpider

    with pytest.raises(ValueError, match="no source called 'feed'"):
        run_pipeline(RegisteredFeedSpider, [])
    with Session(db_engine) as session:
        assert session.get(Source, "feed") is None
