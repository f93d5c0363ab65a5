"""WTO ePing API spider (``TBTWATCH_EPING_API_URL``, key ``TBTWATCH_EPING_API_KEY``)."""

import json
from datetime import date, timedelta
from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.base import BaseSpider
from crawlers.eping import notification_records
from store.db import default_engine, session_scope
from store.queries.sources import latest_distribution_date

EPING_SOURCES = ("wto_eping_api", "wto_eping_bulk", "wto_eping_latest")


def _field(data: dict, name: str):
    """A top-level field of a page, whatever the case of its name."""
    if name in data:
        return data[name]
    return next((value for key, value in data.items() if key.lower() == name.lower()), None)


class EpingApiSpider(BaseSpider):
    """TBT and SPS notifications from ``GET /notifications/search``, page by page until
    ``totalCount``. Incremental by default: from the latest distribution date stored, less
    ``overlap_days``; ``-a since=YYYY-MM-DD`` (and ``until``) for a backfill."""

    name = "wto_eping_api"
    url_setting = "eping_api_url"
    page_size = 100
    overlap_days = 7
    first_run_days = 90
    unreadable_retries = 2

    async def start(self):
        if not self.app_settings.eping_api_key:
            self.fail("TBTWATCH_EPING_API_KEY is not set: the ePing API needs a subscription key")
            return
        self.date_from = self.since or self.resume_date()
        yield self.page_request(1)

    def resume_date(self) -> date:
        with session_scope(default_engine()) as session:
            latest = latest_distribution_date(session, sources=EPING_SOURCES)
        if latest is None:
            return date.today() - timedelta(days=self.first_run_days)
        return latest - timedelta(days=self.overlap_days)

    def page_request(self, page: int, attempt: int = 0):
        params = {"language": 1, "domainIds": "1,2", "distributionDateFrom": self.date_from.isoformat()}
        if self.until:
            params["distributionDateTo"] = self.until.isoformat()
        params |= {"page": page, "pageSize": self.page_size}
        headers = {"Ocp-Apim-Subscription-Key": self.app_settings.eping_api_key, "Accept": "application/json"}
        return self.request(
            f"{self.base_url}/notifications/search?{urlencode(params)}",
            self.parse,
            headers=headers,
            cb_kwargs={"page": page, "attempt": attempt},
            dont_filter=attempt > 0,
        )

    def parse(self, response: Response, page: int = 1, attempt: int = 0):
        try:
            data = json.loads(response.body)
            if isinstance(data, list):  # a bare list of items
                data = {"items": data}
            items = _field(data, "items")
            total = _field(data, "totalCount")
            served_page_size = int(_field(data, "pageSize") or self.page_size)
            if not isinstance(items, list):
                raise ValueError("no items list in the page")
        except (ValueError, TypeError, AttributeError) as error:  # truncated or not a page: fetch it again
            if attempt < self.unreadable_retries:
                yield self.page_request(page, attempt + 1)
            else:
                self.fail(f"{response.url}: unreadable page ({error})")
                yield from self.next_page(page)
            return
        if total is None:  # no count given: a full page means there may be another
            total = page * served_page_size + 1 if len(items) >= served_page_size else 0
        self.total, self.served_page_size = int(total), served_page_size
        for index, item in enumerate(items):
            yield from self.build(notification_records, item, f"{response.url} items[{index}]")
        if items:
            yield from self.next_page(page)

    def next_page(self, page: int):
        """The request of the page after ``page``, if the total count seen so far says there is one."""
        if page * getattr(self, "served_page_size", self.page_size) < getattr(self, "total", 0):
            yield self.page_request(page + 1)
