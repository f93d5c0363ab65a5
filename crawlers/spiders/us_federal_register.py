"""US Federal Register spider (``TBTWATCH_FEDERAL_REGISTER_URL``): rules and proposed rules."""

import json
from datetime import date, timedelta
from urllib.parse import urlencode

from scrapy.http import Response

from crawlers.base import BaseSpider
from crawlers.items import ChangeRecord
from crawlers.normalise import names, parse_date, plain_text
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


class FederalRegisterSpider(BaseSpider):
    """Proposed rules (open for comment: ``draft``) and final rules (``new``) from the documents
    API, with their agencies, comment close date and effective date, following
    ``next_page_url``. Incremental from the latest publication date stored, less
    ``overlap_days``; ``-a since=``/``until=`` for a backfill."""

    name = "us_federal_register"
    url_setting = "federal_register_url"
    per_page = 1000
    overlap_days = 3
    first_run_days = 30

    async def start(self):
        since = self.since or self.resume_date()
        params = [
            ("per_page", self.per_page),
            ("order", "oldest"),
            ("conditions[type][]", "PRORULE"),
            ("conditions[type][]", "RULE"),
            ("conditions[publication_date][gte]", since.isoformat()),
        ]
        if self.until:
            params.append(("conditions[publication_date][lte]", self.until.isoformat()))
        params += [("fields[]", field) for field in FIELDS]
        yield self.request(f"{self.base_url}/documents.json?{urlencode(params)}", self.parse)

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
        for index, document in enumerate(results):
            yield from self.build(self.change_records, document, f"{response.url} results[{index}]")
        if data.get("next_page_url"):
            yield self.request(data["next_page_url"], self.parse)

    def change_records(self, document: dict, location: str) -> list[ChangeRecord]:
        agencies = names(document.get("agencies"))
        if not agencies:
            agencies = [plain_text(a.get("raw_name")) for a in document.get("agencies") or [] if a.get("raw_name")]
        change = StandardsChangeBase(
            source=self.source_name,
            external_id=document["document_number"],
            kind=KINDS.get(document.get("type"), "new"),
            body=(agencies[0] if agencies else "US Federal Register")[:120],
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
        return [ChangeRecord(change=change, raw=document, location=location)]
