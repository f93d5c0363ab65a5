"""RSS and Atom feeds: the base of feed spiders.

As in lemon24/reader, downloading and parsing are separate: Scrapy downloads (conditional GET
with the ETag/Last-Modified kept on the Source row), feedparser parses the bytes, never a URL.
A malformed feed is a recorded error of the run, not a crash; the entries feedparser could
still read are kept.
"""

import hashlib
import time
from datetime import date

import feedparser
from scrapy.http import Response

from crawlers.base import BaseSpider
from crawlers.items import ChangeRecord
from crawlers.normalise import ics_codes, parse_date, plain_text
from store.models.items import StandardsChangeBase

# Bozo conditions that do not make a feed malformed (as in reader).
HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
RAW_FIELDS = ("id", "title", "link", "summary", "published", "updated", "author", "tags")


def _published(entry, field: str):
    """A field of an entry as published (feedparser's fallback from updated to published warns)."""
    return entry.get(field, None)


def _entry_date(entry) -> date | None:
    """The date as the publisher wrote it (feedparser's parsed dates are moved to UTC)."""
    try:
        return parse_date(_published(entry, "published") or _published(entry, "updated"))
    except ValueError:
        parsed: time.struct_time | None = _published(entry, "published_parsed") or _published(entry, "updated_parsed")
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


def _raw(entry) -> dict:
    return {field: entry[field] for field in RAW_FIELDS if _published(entry, field) is not None}


class FeedSpider(BaseSpider):
    """Base of feed spiders; a subclass says which feeds (``feed_requests``) and what a change
    from them carries (``change_defaults``)."""

    kind = "new"

    def parse_feed(self, response: Response):
        if self.conditional and self.not_modified(response):
            return
        parsed = feedparser.parse(
            response.body,
            response_headers={
                key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
                for key, values in response.headers.items()
            },
        )
        if parsed.bozo and not isinstance(parsed.bozo_exception, HARMLESS):
            self.fail(f"{response.url}: malformed feed ({parsed.bozo_exception}); {len(parsed.entries)} entries read")
        elif not parsed.get("version") and not parsed.entries:
            self.fail(f"{response.url}: not an RSS or Atom feed")
        language = (parsed.feed.get("language") or "en")[:2].lower()
        defaults = self.change_defaults(response)
        for index, entry in enumerate(parsed.entries):
            yield from self.build(
                self.change_records, entry, f"{response.url} entry {index}", language=language, defaults=defaults
            )

    def change_defaults(self, response: Response) -> dict:
        """Fields every change of this feed has: ``body``, maybe ``member_code``, ``ics_codes``,
        ``series``."""
        raise NotImplementedError

    def extra_raw(self) -> dict:
        """What to keep with each entry besides its published fields."""
        return {}

    def reference(self, entry) -> str | None:
        return plain_text(entry.get("title")) or entry.get("link") or entry.get("id")

    def title(self, entry) -> str | None:
        return plain_text(entry.get("title"))

    def series(self, entry, default: str | None) -> str | None:
        return default

    def change_records(self, entry, location: str, language: str, defaults: dict) -> list[ChangeRecord]:
        identity = entry.get("id") or entry.get("link") or entry.get("title")
        if not identity:
            raise ValueError("an entry has no id, link or title")
        if len(identity) > 200:
            identity = hashlib.sha256(identity.encode()).hexdigest()
        reference = self.reference(entry)
        if not reference:
            raise ValueError("an entry has no title or link")
        change = StandardsChangeBase(
            source=self.source_name,
            external_id=identity,
            kind=self.kind,
            reference=reference[:300],
            title=self.title(entry),
            summary=plain_text(entry.get("summary") or entry.get("description")),
            published_date=_entry_date(entry),
            url=entry.get("link"),
            language=language,
            **{
                **defaults,
                "ics_codes": ics_codes(defaults.get("ics_codes")),
                "series": self.series(entry, defaults.get("series")),
            },
        )
        return [ChangeRecord(change=change, raw={**_raw(entry), **self.extra_raw()}, location=location)]
