"""US Federal Register public inspection spider (``TBTWATCH_FEDERAL_REGISTER_URL``): rules and
proposed rules a day or more before they are published."""

import json
from datetime import datetime

from scrapy.http import Response

from crawlers.base import BaseSpider
from crawlers.items import ChangeRecord
from crawlers.normalise import parse_date, plain_text
from crawlers.spiders.us_federal_register import KINDS, agency_names, issuing_agency
from store.models.items import StandardsChangeBase

PUBLISHED_SOURCE = "us_federal_register"
STAGE = "public inspection"


class FederalRegisterInspectionSpider(BaseSpider):
    """The documents on the Federal Register's public inspection desk now
    (``public-inspection-documents/current.json``): each rule (``new``) and proposed rule
    (``draft``), under its document number, dated the day it was filed, with the date it is to
    be published. When the documents API publishes it (``us_federal_register``), that record
    takes this one over: the subscriber has one item, alerted once. A document already
    published is not recorded again. The desk is blank from midnight to 08:45 Eastern: an
    empty list is no error."""

    name = "us_federal_register_inspection"
    url_setting = "federal_register_url"

    async def start(self):
        yield self.request(f"{self.base_url}/public-inspection-documents/current.json", self.parse)

    def parse(self, response: Response):
        try:
            data = json.loads(response.body)
            results = data.get("results") or []
        except (ValueError, AttributeError) as error:
            self.fail(f"{response.url}: unreadable page ({error})")
            return
        for index, document in enumerate(results):
            if isinstance(document, dict) and document.get("type") not in KINDS:
                continue  # notices and presidential documents
            yield from self.build(self.change_records, document, f"{response.url} results[{index}]")

    def change_records(self, document: dict, location: str) -> list[ChangeRecord]:
        filed = datetime.fromisoformat(document["filed_at"].replace("Z", "+00:00")).date()
        publication = parse_date(document.get("publication_date"))
        note = f"On public inspection since {filed.isoformat()}"
        note += f"; to be published in the Federal Register on {publication.isoformat()}." if publication else "."
        change = StandardsChangeBase(
            source=self.source_name,
            external_id=document["document_number"],
            kind=KINDS[document["type"]],
            body=(issuing_agency(document.get("agencies")) or "US Federal Register")[:120],
            reference=document["document_number"],
            title=plain_text(document.get("title")),
            summary="\n".join(filter(None, [note, plain_text(document.get("editorial_note"))])),
            member_code="USA",
            stage=STAGE,
            agencies=agency_names(document.get("agencies")),
            published_date=filed,
            url=document.get("html_url"),
            language="en",
        )
        return [ChangeRecord(change=change, raw=document, location=location, later_source=PUBLISHED_SOURCE)]
