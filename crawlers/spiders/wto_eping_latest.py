"""WTO ePing latest-notifications spider (``TBTWATCH_EPING_LATEST_URL``), for deployments
without an API key."""

import json
from functools import partial

from scrapy.http import Response

from crawlers.base import BaseSpider
from crawlers.eping import notification_records

# The feed's field names, renamed to the API's.
FIELDS = {
    "notifyingMember": "notifyingMember",
    "distributionDate": "distributionDate",
    "documentSymbol": "documentSymbol",
    "title": "title",
    "products": "productsFreeText",
}


class EpingLatestSpider(BaseSpider):
    """The ten latest notifications: a JSON array of ``{notifyingMember, distributionDate
    (dd/mm/yyyy), documentSymbol, title (HTML), products (HTML)}``. The endpoint takes no query
    parameter and needs exactly ``Accept: application/json``. Its records are partial: they
    never blank what a fuller source stored."""

    name = "wto_eping_latest"
    url_setting = "eping_latest_url"

    async def start(self):
        yield self.request(self.base_url, self.parse, headers={"Accept": "application/json"})

    def parse(self, response: Response):
        try:
            rows = json.loads(response.body)
        except ValueError as error:
            self.fail(f"{response.url}: not JSON ({error})")
            return
        if not isinstance(rows, list):
            self.fail(f"{response.url}: expected a JSON array, got {type(rows).__name__}")
            return
        for index, row in enumerate(rows):
            item = {FIELDS[key]: value for key, value in row.items() if key in FIELDS} if isinstance(row, dict) else row
            build = partial(notification_records, partial=True, raw=row if isinstance(row, dict) else None)
            yield from self.build(build, item, f"{response.url} [{index}]")
