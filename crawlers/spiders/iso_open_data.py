"""ISO open data spider (``TBTWATCH_ISO_OPEN_DATA_URL``): standards changes from the daily
deliverables metadata (JSON Lines)."""

import gzip
import json
import os
from datetime import date
from pathlib import Path

from scrapy.http import Response

from crawlers.base import BaseSpider
from crawlers.items import ChangeRecord
from crawlers.normalise import ics_codes, parse_date, plain_text
from store.models.items import StandardsChangeBase

PUBLISHED, WITHDRAWN = 6060, 9599
ISO_URL = "https://www.iso.org/standard/{}.html"


def is_enquiry(stage: int | None) -> bool:
    """Stage 40.xx: the draft international standard (DIS) is out for enquiry."""
    return stage is not None and 4000 <= stage < 5000


def stage_text(stage: int | None) -> str | None:
    return f"{stage // 100:02d}.{stage % 100:02d}" if stage is not None else None


def _ids(value) -> list[int]:
    return sorted(int(v) for v in value or [])


def deliverable_title(row: dict) -> str | None:
    """The deliverable's title as published (``{"en": …, "fr": …}``), English first; the
    reference when the row has none."""
    titles = row.get("title")
    if isinstance(titles, dict):
        title = next((plain_text(titles.get(language)) for language in ("en", "fr") if titles.get(language)), None)
    else:
        title = plain_text(titles) if isinstance(titles, str) else None
    return title or row.get("reference")


def snapshot_entry(row: dict) -> list:
    """What is kept of a deliverable between runs: stage, reference, replaced-by ids."""
    stage = row.get("currentStage")
    return [int(stage) if stage is not None else None, row.get("reference"), _ids(row.get("replacedBy"))]


def changes_between(
    previous: dict[str, list], row: dict, current: dict[str, list] | None = None
) -> list[tuple[str, str]]:
    """The changes a deliverable went through since the previous snapshot, as (kind, note):
    published (``new``, or ``revised`` when it replaces others), withdrawn, a DIS opened for
    enquiry (``draft``), or newly to be replaced by another (``revised``). Related deliverables
    are named by their reference in the current snapshot, else the previous one, else their id."""

    def references(ids: list[int]) -> str:
        return ", ".join(
            ((current or {}).get(str(i)) or previous.get(str(i)) or [None, str(i)])[1] or str(i) for i in ids
        )

    key = str(row["id"])
    stage, _reference, replaced_by = snapshot_entry(row)
    before = previous.get(key)
    old_stage, old_replaced_by = (before[0], before[2]) if before else (None, [])
    found = []
    if stage == PUBLISHED and old_stage != PUBLISHED:
        replaces = _ids(row.get("replaces"))
        found.append(("revised", f"Published; replaces {references(replaces)}.") if replaces else ("new", "Published."))
    elif stage == WITHDRAWN and before is not None and old_stage != WITHDRAWN:
        found.append(("withdrawn", "Withdrawn."))
    elif is_enquiry(stage) and not is_enquiry(old_stage):
        found.append(("draft", "Draft international standard open for enquiry."))
    if replaced_by and replaced_by != old_replaced_by and stage != WITHDRAWN and before is not None:
        found.append(("revised", f"Under revision: to be replaced by {references(replaced_by)}."))
    return found


class IsoOpenDataSpider(BaseSpider):
    """ISO's deliverables metadata (about 78,000 rows, one JSON object a line), compared with
    the snapshot of the last successful run: each publication (stage 60.60), withdrawal (95.99),
    DIS open for enquiry (40.xx) and revision (``replaces``/``replacedBy``) is recorded as a
    standards change with its ICS codes and committee. The first run only takes the snapshot.
    The snapshot moves on only when the run succeeded, so a failed run's changes come again."""

    name = "iso_open_data"
    url_setting = "iso_open_data_url"
    conditional = True

    @property
    def snapshot_path(self) -> Path:
        return self.app_settings.data_dir / "snapshots" / f"{self.source_name}.json.gz"

    def load_snapshot(self) -> dict[str, list] | None:
        try:
            with gzip.open(self.snapshot_path, "rt", encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            return None

    def save_snapshot(self, snapshot: dict[str, list]) -> None:
        self.snapshot_path.parent.mkdir(parents=True, exist_ok=True)
        partial_path = self.snapshot_path.with_suffix(".partial")
        with gzip.open(partial_path, "wt", encoding="utf-8") as handle:
            json.dump(snapshot, handle)
        os.replace(partial_path, self.snapshot_path)

    async def start(self):
        self.previous = self.load_snapshot()
        if self.previous is None:  # without a snapshot, a 304 would leave nothing to compare with
            yield self.request(self.base_url, self.parse)
        else:
            yield self.conditional_request(self.base_url, self.parse)

    def parse(self, response: Response):
        if self.not_modified(response):
            return
        snapshot: dict[str, list] = {}
        readable: list[int] = []
        lines = response.body.splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                snapshot[str(row["id"])] = snapshot_entry(row)
                readable.append(number)
            except (ValueError, TypeError, KeyError) as error:
                yield self.reject(f"{response.url} line {number}", error)
        if self.previous is not None:  # a second pass, so related deliverables are named by reference
            today = date.today()
            for number in readable:
                yield from self.build(
                    self.change_records,
                    json.loads(lines[number - 1]),
                    f"{response.url} line {number}",
                    today=today,
                    current=snapshot,
                    previous=self.previous,
                )
        self.on_success.append(lambda _session: self.save_snapshot(snapshot))
        if self.previous is None:
            self.logger.info(
                "first snapshot of %d deliverables taken; changes are recorded from the next run", len(snapshot)
            )

    def change_records(
        self, row: dict, location: str, today: date, current: dict[str, list], previous: dict[str, list]
    ) -> list[ChangeRecord]:
        scope = plain_text((row.get("scope") or {}).get("en"))
        records = []
        for kind, note in changes_between(previous, row, current):
            published = parse_date(row.get("publicationDate")) if kind in ("new", "revised") else None
            change = StandardsChangeBase(
                source=self.source_name,
                external_id=str(row["id"]),
                kind=kind,
                body="ISO",
                reference=str(row.get("reference") or row["id"])[:300],
                title=deliverable_title(row),
                summary="\n".join(filter(None, [note, scope])),
                committee=row.get("ownerCommittee"),
                stage=stage_text(snapshot_entry(row)[0]),
                ics_codes=ics_codes(row.get("icsCode")),
                published_date=published or today,
                url=ISO_URL.format(row["id"]),
                language="en",
            )
            records.append(ChangeRecord(change=change, raw=row, location=location))
        return records
