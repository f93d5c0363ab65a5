"""EUR-Lex Official Journal spider (``TBTWATCH_EURLEX_FEED_URL``): the L and C series RSS feeds."""

import re

from crawlers.feeds import FeedSpider
from crawlers.normalise import plain_text

SERIES_FEEDS = {"L": 222, "C": 221}
CELEX = re.compile(r"CELEX(?::|%3A)([0-9A-Z()]+)", re.IGNORECASE)


class EurlexOjSpider(FeedSpider):
    """Acts published in the Official Journal of the EU, from EUR-Lex's RSS 2.0 feeds
    (``display-feed.rss?rssId=222`` for the L series, ``221`` for C). The reference is the CELEX
    number when the link carries one. EUR-Lex may refuse automated clients: a 403 is a recorded
    source error."""

    name = "eu_eurlex_oj"
    url_setting = "eurlex_feed_url"

    async def start(self):
        separator = "&" if "?" in self.base_url else "?"
        for series, rss_id in SERIES_FEEDS.items():
            yield self.request(f"{self.base_url}{separator}rssId={rss_id}", self.parse_feed, meta={"series": series})

    def change_defaults(self) -> dict:
        return {"body": "EU Official Journal", "member_code": "EU"}

    def reference(self, entry) -> str:
        match = CELEX.search(entry.get("link") or "") or CELEX.search(entry.get("id") or "")
        return f"CELEX:{match[1]}" if match else plain_text(entry.get("title")) or entry.get("link")
