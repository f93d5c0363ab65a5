"""EUR-Lex Official Journal spider (``TBTWATCH_EURLEX_FEED_URL``): the L and C series RSS feeds."""

import re

from scrapy.http import Response

from crawlers.feeds import FeedSpider
from crawlers.normalise import plain_text

SERIES_FEEDS = {"L": 222, "C": 221}
# A CELEX number starts with its sector digit: 32026R1465, 52026XC0601, 32015R0757R(03).
CELEX = re.compile(r"CELEX(?::|%3A)([0-9][0-9A-Z()]+)", re.IGNORECASE)
# An OJ reference (the act's series, year and number), under either key: OJ:L_202601957, CELEX:C_202604108.
OJ_REFERENCE = re.compile(r"(?:OJ|CELEX)(?::|%3A)([LC])_(\d{4})(\d+)", re.IGNORECASE)
# The CELEX number leading a title ("CELEX:32026R1465: Council Regulation …"), or the whole title of a corrigendum.
TITLE_CELEX = re.compile(r"^\s*CELEX:([0-9][0-9A-Z()]+)\s*(?::\s*|$)", re.IGNORECASE)


class EurlexOjSpider(FeedSpider):
    """Acts published in the Official Journal of the EU, from EUR-Lex's RSS 2.0 feeds
    (``display-feed.rss?rssId=222`` for the L series, ``221`` for C). The reference is the CELEX
    number, read from the title (``CELEX:32026R1465: Council Regulation …``, a prefix the stored
    title drops) or the link; an act known only by its OJ reference (``?uri=OJ:L_202601957``,
    ``?uri=CELEX:C_202604108``) is referenced ``OJ:L_202601957``. The series (L or C) is stored.
    EUR-Lex may refuse automated clients: a 403, or a 202 with an empty body, is a recorded
    source error."""

    name = "eu_eurlex_oj"
    url_setting = "eurlex_feed_url"

    async def start(self):
        separator = "&" if "?" in self.base_url else "?"
        for series, rss_id in SERIES_FEEDS.items():
            yield self.request(f"{self.base_url}{separator}rssId={rss_id}", self.parse_feed, meta={"series": series})

    def change_defaults(self, response: Response) -> dict:
        return {"body": "EU Official Journal", "member_code": "EU", "series": self.meta(response).get("series")}

    def reference(self, entry) -> str | None:
        title = entry.get("title") or ""
        if prefix := TITLE_CELEX.match(title):
            return f"CELEX:{prefix[1].upper()}"
        for text in (entry.get("link") or "", entry.get("id") or ""):
            if oj := OJ_REFERENCE.search(text):
                return f"OJ:{oj[1].upper()}_{oj[2]}{oj[3]}"
            if celex := CELEX.search(text):
                return f"CELEX:{celex[1].upper()}"
        return super().reference(entry)

    def title(self, entry) -> str | None:
        return plain_text(TITLE_CELEX.sub("", entry.get("title") or "", count=1))

    def series(self, entry, default: str | None) -> str | None:
        """The series the link names (OJ references carry it), else the feed's."""
        oj = OJ_REFERENCE.search(entry.get("link") or "")
        return oj[1].upper() if oj else default
