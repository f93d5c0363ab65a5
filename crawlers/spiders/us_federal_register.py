"""US Federal Register spider (``TBTWATCH_FEDERAL_REGISTER_URL``): rules and proposed rules."""

import json
from datetime import date, timedelta
from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.base import BaseSpider
from crawlers.items import ChangeRecord
from crawlers.normalise import parse_date, plain_text
from store.db import default_engine, session_scope
from store.models.items import StandardsChangeBase
from store.queries.sources import latest_published_date

FIELDS = (
    "document_number",
    "title",
    "type",
    "abstract",
    "publication_date",
    "agencies",
    "html_url",
    "pdf_url",
    "comments_close_on",
    "effective_on",
    "docket_ids",
)
KINDS = {"Proposed Rule": "draft", "Rule": "new"}
INSPECTION_SOURCE = "us_federal_register_inspection"  # where a document shows before it is published
MAX_RESULTS = 10_000  # the API serves at most this many documents of one query


def agency_names(agencies) -> list[str]:
    """Every agency of a document, by its name, or as published (``raw_name``) when it has none."""
    found = [plain_text(a.get("name") or a.get("raw_name")) for a in agencies or [] if isinstance(a, dict)]
    return list(dict.fromkeys(name for name in found if name))


def issuing_agency(agencies) -> str | None:
    """The agency that issued a document: the first listed is often the parent department,
    and a later one (whose ``parent_id`` is the department's id) the agency that issued it; an
    office known only by its ``raw_name`` right after its department is named with it
    ("Office of the Secretary, Interior Department")."""
    listed = [a for a in agencies or [] if isinstance(a, dict) and (a.get("name") or a.get("raw_name"))]
    if not listed:
        return None
    first, later = listed[0], listed[1:]
    first_name = plain_text(first.get("name") or first.get("raw_name"))
    if first.get("id") is not None:
        for agency in later:
            if agency.get("parent_id") == first["id"]:
                return plain_text(agency.get("name") or agency.get("raw_name"))
        if later and later[0].get("id") is None:
            return f"{plain_text(later[0]['raw_name'])}, {first_name}"
    return first_name


class FederalRegisterSpider(BaseSpider):
    """Proposed rules (open for comment: ``draft``) and final rules (``new``) from the documents
    API, with their agencies (the issuing one as ``body``), comment close date and effective
    date, following ``next_page_url``. Incremental from the latest publication date stored, less
    ``overlap_days``; ``-a since=``/``until=`` for a backfill. The API serves at most 10,000
    documents of a query: a date window that holds more is split in two until each half fits
    (a single day that holds more is a recorded error)."""

    name = "us_federal_register"
    url_setting = "federal_register_url"
    per_page = 1000
    overlap_days = 3
    first_run_days = 30

    async def start(self):
        yield self.window_request(self.since or self.resume_date(), self.until or date.today())

    def window_request(self, since: date, until: date):
        """The first page of the documents published from ``since`` to ``until``, both included."""
        params = [
            ("per_page", self.per_page),
            ("order", "oldest"),
            ("conditions[type][]", "PRORULE"),
            ("conditions[type][]", "RULE"),
            ("conditions[publication_date][gte]", since.isoformat()),
            ("conditions[publication_date][lte]", until.isoformat()),
        ]
        params += [("fields[]", field) for field in FIELDS]
        return self.request(
            f"{self.base_url}/documents.json?{urlencode(params)}", self.parse, meta={"window": (since, until)}
        )

    def resume_date(self) -> date:
        with session_scope(default_engine()) as session:
            latest = latest_published_date(session, source=self.source_name)
        if latest is None:
            return date.today() - timedelta(days=self.first_run_days)
        return latest - timedelta(days=self.overlap_days)

    def parse(self, response: Response):
        try:
            data = json.loads(response.body)
            results = data.get("results") or []
        except (ValueError, AttributeError) as error:
            self.fail(f"{response.url}: unreadable page ({error})")
            return
        window = self.meta(response).get("window")
        if window and (data.get("count") or 0) > MAX_RESULTS:
            yield from self.split(window, data["count"], response.url)
            return
        for index, document in enumerate(results):
            yield from self.build(self.change_records, document, f"{response.url} results[{index}]")
        if data.get("next_page_url"):
            yield self.request(data["next_page_url"], self.parse)

    def split(self, window: tuple[date, date], count: int, url: str):
        """Two requests for the halves of a date window whose documents exceed the API's limit."""
        since, until = window
        if since >= until:
            self.fail(f"{url}: {count} documents published on {since}, more than the {MAX_RESULTS:,} the API serves")
            return
        middle = since + (until - since) // 2
        self.logger.info("%s to %s holds %d documents: split at %s", since, until, count, middle)
        yield self.window_request(since, middle)
        yield self.window_request(middle + timedelta(days=1), until)

    def change_records(self, document: dict, location: str) -> list[ChangeRecord]:
        agencies = agency_names(document.get("agencies"))
        change = StandardsChangeBase(
            source=self.source_name,
            external_id=document["document_number"],
            kind=KINDS.get(str(document.get("type")), "new"),
            body=(issuing_agency(document.get("agencies")) or "US Federal Register")[:120],
            reference=document["document_number"],
            title=plain_text(document.get("title")),
            summary=plain_text(document.get("abstract")),
            member_code="USA",
            agencies=agencies,
            published_date=parse_date(document.get("publication_date")),
            comment_deadline=parse_date(document.get("comments_close_on")),
            effective_date=parse_date(document.get("effective_on")),
            url=document.get("html_url"),
            language="en",
        )
        return [ChangeRecord(change=change, raw=document, location=location, earlier_source=INSPECTION_SOURCE)]
