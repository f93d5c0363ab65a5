"""Generic feed spider: any RSS/Atom feed an administrator registered
(``tbtwatch sources add-feed``); run as ``scrapy crawl feed -a source=NAME``."""

from scrapy.http import Response

from crawlers.feeds import FeedSpider


class RegisteredFeedSpider(FeedSpider):
    """One registered feed (a Source row with ``spider="feed"``): its URL, its standards body or
    regulator, and default ICS codes and sector hints given when it was registered. Downloaded
    with a conditional GET."""

    name = "feed"
    conditional = True

    async def start(self):
        source = self.source_row() if self.source_name != self.name else None
        if source is None or not source.url:
            self.fail(f"no registered feed called {self.source_name!r} (run with -a source=NAME)")
            return
        self.source = source
        yield self.conditional_request(source.url, self.parse_feed)

    def change_defaults(self, response: Response) -> dict:
        options = self.source.options or {}
        return {
            "body": self.source.body or self.source.name,
            "ics_codes": options.get("ics_codes") or [],
            "member_code": options.get("member_code"),
        }

    def extra_raw(self) -> dict:
        return {"sector_hints": (self.source.options or {}).get("sectors") or []}
