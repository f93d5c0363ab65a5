"""The item pipeline: every record a spider yields is stored through ``store``, and the
crawl is recorded as a :class:`~store.models.CrawlRun`.

Notifications are stored in batches (one page of the API, a thousand rows of the bulk
workbook) and committed batch by batch, so a killed crawl keeps what it stored and a rerun
adds nothing twice. A batch the database refuses is retried record by record, so one bad
record is rejected with its location and the rest is kept.

In a crawl, one writer thread owns the session and does all the storing, in the order the
items came: the spider reads its next rows while the database takes the last batch (SQLite's
and PostgreSQL's own work, the full-text index above all, runs without the GIL). What a batch
needs from Python alone (keys, contents, hashes, row values) is prepared before it is handed
over, so the writer's own Python work, which would share the GIL with the reading, stays
short. A spider that wants this overlap lets Scrapy process two items at once
(``CONCURRENT_ITEMS = 2``).
Called outside a running event loop (tests), each item is stored before the call returns. The run fails when the spider
recorded an error or did not finish; the source then counts one more consecutive failure,
and its data stays as it was.
"""

import asyncio
import logging
import sys
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from crawlers.base import BaseSpider
from crawlers.items import Batch, ChangeRecord, NotificationRecord, Rejected
from store.db import default_engine, session_scope
from store.queries.bulk import (
    NotificationInput,
    PreparedBatch,
    prepare_notifications,
    upsert_notifications,
    upsert_prepared,
)
from store.queries.changes import upsert_change
from store.queries.sources import MAX_REJECTS_KEPT, RunResult, ensure_source, finish_run, start_run

log = logging.getLogger(__name__)
BATCH = 1000
WRITER_SWITCH_INTERVAL = 0.001  # seconds
STORE_ERRORS = (ValueError, TypeError, SQLAlchemyError)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("TBTWATCH_BATCH", BATCH)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def spider(self) -> BaseSpider:
        return self.crawler.spider

    def open_spider(self) -> None:
        self.engine = default_engine()
        with session_scope(self.engine) as session:
            ensure_source(session, name=self.spider.source_name, spider=self.spider.name)
            self.run_id = start_run(session, source=self.spider.source_name, args=self.spider.run_args).id
        self.session = Session(self.engine, expire_on_commit=False)
        self.counts: Counter = Counter()
        self.rejects: list[dict] = []
        self.pending: list[NotificationRecord] = []
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tbtwatch-store")
        # The writer mostly waits for the database and takes the GIL back from the reading
        # thread at each answer, several times a batch: within a millisecond rather than the
        # default five, while the database would wait for its next statement.
        self.switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(WRITER_SWITCH_INTERVAL)

    def process_item(self, item):
        """Queue ``item``'s storing; returns an awaitable of it while a write is under way."""
        futures = self._queue(item)
        if not futures:
            return item
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            for future in futures:
                future.result()
            return item
        return _written(futures, item)

    def _queue(self, item) -> list[Future]:
        if isinstance(item, Batch):
            return [future for each in item.items for future in self._queue(each)]
        if isinstance(item, NotificationRecord):
            self.pending.append(item)
            if len(self.pending) < self.batch_size:
                return []
            records, self.pending = self.pending, []
            return [self.writer.submit(self._store_batch, records, self._prepared(records))]
        if isinstance(item, ChangeRecord):
            return [self.writer.submit(self._store_change, item)]
        if isinstance(item, Rejected):
            return [self.writer.submit(self.reject, item.location, item.error)]
        return [self.writer.submit(self.reject, "?", f"unexpected item {type(item).__name__}")]

    def _prepared(self, records: list[NotificationRecord]) -> PreparedBatch | None:
        """The storing work of ``records`` that needs no database; None when a record is
        malformed (storing them one by one then finds it)."""
        try:
            return prepare_notifications(
                [_input(r) for r in records], source=self.spider.source_name, dialect=self.engine.dialect
            )
        except STORE_ERRORS:
            return None

    def _store_batch(self, records: list[NotificationRecord], batch: PreparedBatch | None) -> None:
        """Store ``records`` as one batch; if it could not be prepared or the database refuses
        it, one by one."""
        if batch is not None:
            try:
                with self.session.begin_nested():
                    self.counts.update(upsert_prepared(self.session, batch))
            except STORE_ERRORS:
                self.session.rollback()
            else:
                self.session.commit()
                return
        for record in records:
            self._store_one(record)
        self.session.commit()

    def _store_one(self, record: NotificationRecord) -> None:
        try:
            with self.session.begin_nested():
                [outcome] = upsert_notifications(self.session, inputs=[_input(record)], source=self.spider.source_name)
            self.counts[outcome] += 1
        except STORE_ERRORS as error:
            self.reject(record.location, f"{type(error).__name__}: {error}")

    def _store_change(self, record: ChangeRecord) -> None:
        try:
            with self.session.begin_nested():
                outcome = upsert_change(
                    self.session,
                    change=record.change,
                    raw=record.raw,
                    earlier_source=record.earlier_source,
                    later_source=record.later_source,
                ).outcome
            self.counts[outcome] += 1
        except STORE_ERRORS as error:
            self.reject(record.location, f"{type(error).__name__}: {error}")
        if sum(self.counts.values()) % self.batch_size == 0:
            self.session.commit()

    def reject(self, location: str, error: str) -> None:
        self.counts["rejected"] += 1
        if len(self.rejects) < MAX_REJECTS_KEPT:
            self.rejects.append({"location": location, "error": error[:1000]})

    def close_spider(self) -> None:
        try:
            self.writer.submit(self._close).result()
        finally:
            self.writer.shutdown()
            sys.setswitchinterval(self.switch_interval)

    def _close(self) -> None:
        spider = self.spider
        reason = self.crawler.stats.get_value("finish_reason") or "finished"
        records, self.pending = self.pending, []
        try:
            if records:
                self._store_batch(records, self._prepared(records))
        except STORE_ERRORS as error:
            spider.fail(f"storing the last batch: {error}")
        errors = list(spider.errors)
        if reason != "finished":
            errors.append(f"crawl ended early: {reason}")
        result = RunResult(
            new=self.counts["new"],
            updated=self.counts["updated"],
            unchanged=self.counts["unchanged"],
            rejected=self.counts["rejected"],
            rejects=self.rejects,
            error="\n".join(errors)[:10000] or None,
        )
        if result.error is None:
            for hook in spider.on_success:
                hook(self.session)
        finish_run(self.session, run_id=self.run_id, result=result)
        self.session.commit()
        self.session.close()
        log.info(
            "%s: %d new, %d updated, %d unchanged, %d rejected%s",
            spider.source_name,
            result.new,
            result.updated,
            result.unchanged,
            result.rejected,
            f"; failed: {result.error}" if result.error else "",
        )


async def _written(futures: list[Future], item):
    await asyncio.gather(*(asyncio.wrap_future(future) for future in futures))
    return item


def _input(record: NotificationRecord) -> NotificationInput:
    return NotificationInput(
        notification=record.notification, external_id=record.external_id, raw=record.raw, partial=record.partial
    )
