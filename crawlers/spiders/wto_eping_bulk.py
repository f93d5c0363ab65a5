"""WTO ePing bulk workbook spider (``TBTWATCH_EPING_BULK_URL``): every notification since 1995."""

import gc
import re
import sys
import zipfile
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from io import BytesIO

import openpyxl
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from scrapy.http import Response

from crawlers.base import BaseSpider
from crawlers.eping import notification_records
from crawlers.items import Batch, ChangeRecord, NotificationRecord, Rejected

# Workbook headers (lower case, spaces collapsed; several ePing exports seen) → the API's names.
HEADERS = {
    "document symbol": "documentSymbol",
    "symbol": "documentSymbol",
    "notifying member": "notifyingMember",
    "notifying member(s)": "notifyingMember",
    "member": "notifyingMember",
    "notification type": "notificationType",
    "type": "notificationType",
    "distribution date": "distributionDate",
    "date of distribution": "distributionDate",
    "final date for comments": "commentDeadlineDate",
    "comment deadline": "commentDeadlineDate",
    "title": "title",
    "description": "description",
    "description of content": "description",
    "products covered": "productsFreeText",
    "products (free text)": "productsFreeText",
    "products": "productsFreeText",
    "hs code(s)": "hsCodes",
    "hs codes": "hsCodes",
    "ics code(s)": "icsCodes",
    "ics codes": "icsCodes",
    "objectives": "objectives",
    "keywords": "keywords",
    "keywords (sps only)": "keywords",
    "regions or countries affected": "countriesAffected",
    "regions or countries affected (sps only)": "countriesAffected",
    "notified document": "notifiedDocumentLink",
    "link(s) to full text": "notifiedDocumentLink",
    "link to notification": "linkToNotification",
    "link to notification (en/es/fr)": "linkToNotification",
    "proposed date of adoption": "proposedAdoptionDate",
    "proposed date of entry into force": "proposedEntryIntoForceDate",
}
HEADER_SEARCH_ROWS = 20
BATCH_ROWS = 1000


def _header_key(cell) -> str:
    return re.sub(r"\s+", " ", str(cell or "")).strip().lower()


def _jsonable(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


@contextmanager
def _few_collections():
    """The cycle collector kept to a few cheap passes while the workbook is read (it cost about a
    tenth of the crawl's CPU time): what exists now (Scrapy, the download, the workbook's
    strings) lives through the read and is left out of its passes, and the youngest generation
    is let grow past the objects of the batches in flight (some 20,000 a batch), which would
    otherwise set off a pass several times a batch only to find them all alive."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 100_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@contextmanager
def progress_bar(total: int | None, description: str):
    """A rich progress bar on a terminal; a no-op advance function otherwise."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)


class EpingBulkSpider(BaseSpider):
    """The daily ``Notification_EN.xlsx`` (about 45 MB, 105,000 rows): downloaded only when changed
    (ETag/Last-Modified), read row by row with openpyxl's read-only mode. Columns are found by
    their header; its records are partial (columns it lacks keep what the API stored) and keep
    as raw payload the columns no field holds."""

    name = "wto_eping_bulk"
    url_setting = "eping_bulk_url"
    conditional = True

    # Two batches in the pipeline at a time: the next rows are read while the database stores
    # the last batch (crawlers.pipelines), and no more, as Scrapy would otherwise read ahead up
    # to 100 batches (100,000 records) of the workbook into memory.
    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        settings.set("CONCURRENT_ITEMS", 2, priority="spider")

    async def start(self):
        yield self.conditional_request(self.base_url, self.parse)

    def parse(self, response: Response):
        if self.not_modified(response):
            return
        try:
            workbook = openpyxl.load_workbook(BytesIO(response.body), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            self.fail(f"{response.url}: not an xlsx workbook ({type(error).__name__}: {error})")
            return
        try:
            with _few_collections():
                yield from self.parse_sheet(workbook.worksheets[0], response.url)
        finally:
            workbook.close()

    def parse_sheet(self, sheet, url: str):
        rows = sheet.iter_rows(values_only=True)
        columns, headers, number = None, [], 0
        for number, values in enumerate(rows, start=1):
            headers = [str(cell).strip() if cell is not None else "" for cell in values]
            columns = {i: HEADERS[_header_key(cell)] for i, cell in enumerate(values) if _header_key(cell) in HEADERS}
            if "documentSymbol" in columns.values() or number >= HEADER_SEARCH_ROWS:
                break
        if not columns or "documentSymbol" not in columns.values():
            self.fail(f"{url}: no 'Document symbol' column in the first {HEADER_SEARCH_ROWS} rows")
            return
        # Every mapped column is stored in its field; the raw payload keeps only the others.
        unmapped = [(i, header) for i, header in enumerate(headers) if header and i not in columns]
        batch: list[NotificationRecord | ChangeRecord | Rejected] = []
        with progress_bar(sheet.max_row, "ePing bulk workbook") as advance:
            for number, values in enumerate(rows, start=number + 1):  # noqa: B020 (continues the header's count)
                advance()
                if not any(value not in (None, "") for value in values):
                    continue
                item = {name: values[i] for i, name in columns.items() if i < len(values)}
                raw = {
                    header: _jsonable(values[i])
                    for i, header in unmapped
                    if i < len(values) and values[i] not in (None, "")
                }
                batch.extend(
                    self.build(partial(notification_records, partial=True, raw=raw), item, f"{url} row {number}")
                )
                if len(batch) >= BATCH_ROWS:
                    yield Batch(items=batch)
                    batch = []
        if batch:
            yield Batch(items=batch)
