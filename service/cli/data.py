"""`tbtwatch import` and `tbtwatch export notifications`: the JSON Lines interchange format
of ``store.interchange``, in and out."""

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from nlp.catalogue import DEFAULT_EDITION, load_edition
from store.db import default_engine
from store.interchange import (
    EXTRA_FIELDS,
    LIST_FIELDS,
    RECORD_FIELDS,
    RecordError,
    notification_from_record,
    record_from_notification,
)
from store.models import Notification
from store.queries.hs import chapters_of, decided_hs, hs_tags_by_item
from store.queries.notifications import upsert_notification
from store.queries.tags import classifications, effective_sectors, set_human_tags, tags_by_item

console = Console(stderr=True, soft_wrap=True)
export_app = typer.Typer(help="Write stored items out.", no_args_is_help=True)
BATCH = 500


def import_command(
    path: Path | None = typer.Argument(None, exists=True, dir_okay=False, help="A .jsonl file of notifications."),
    sample: bool = typer.Option(
        False, "--sample", help="The 212 sample notifications shipped with tbtwatch (no network needed)."
    ),
) -> None:
    """Import notifications (the schema of the sample notifications). Each malformed line is
    reported with its number; the rest is imported. Importing the same file twice adds nothing."""
    from service.refusals import explain
    from store.refusals import Refused

    if (path is None) == (not sample):
        raise typer.BadParameter("give a .jsonl file or --sample, not both", param_hint="PATH")
    if path is None:
        from nlp.samples import SAMPLE_NOTIFICATIONS

        path = SAMPLE_NOTIFICATIONS
    edition = load_edition(DEFAULT_EDITION)
    counts = {"new": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    first_line: dict[str, int] = {}  # record id -> the line that gave it
    # utf-8-sig: a byte order mark at the start of the file is not part of line 1.
    with Session(default_engine()) as session, path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                notification, sectors = notification_from_record(record)
                record_id = str(record.get("id") or notification.symbol)
                if record_id in first_line:
                    raise RecordError(f"id {record_id} already came on line {first_line[record_id]}")
                first_line[record_id] = number
                with session.begin_nested():
                    stored = upsert_notification(
                        session,
                        notification=notification,
                        source="import",
                        external_id=str(record.get("id") or "") or None,
                        raw=record,
                    )
                    if sectors is not None:
                        set_human_tags(
                            session,
                            item_kind="notification",
                            item_id=stored.row.id,
                            sectors=sectors,
                            edition=edition.edition,
                            edition_sectors=list(edition.codes),
                        )
            except (RecordError, ValueError, SQLAlchemyError) as error:  # JSONDecodeError, Refused: ValueErrors
                counts["rejected"] += 1
                reason = explain(error) if isinstance(error, Refused) else error
                console.print(f"{path}:{number}: {reason}", style="red", highlight=False, markup=False)
                continue
            counts[stored.outcome] += 1
            if number % BATCH == 0:
                session.commit()
        session.commit()
    console.print(", ".join(f"{value} {key}" for key, value in counts.items()))
    if counts["rejected"]:
        raise typer.Exit(code=1)


def notification_records(session: Session) -> Iterator[dict]:
    """Every stored notification as an interchange record, in symbol order."""
    ids = list(session.exec(select(Notification.id).order_by(col(Notification.symbol), col(Notification.id))))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = session.exec(select(Notification).where(col(Notification.id).in_(chunk))).all()
        tags = tags_by_item(session, item_kind="notification", item_ids=chunk)
        classified = classifications(session, item_kind="notification", item_ids=chunk)
        hs_tags = hs_tags_by_item(session, item_kind="notification", item_ids=chunk)
        for row in sorted(rows, key=lambda r: chunk.index(r.id)):
            item_tags = tags.get(row.id, [])
            classification = classified.get(row.id)
            yield record_from_notification(
                row,
                sectors=effective_sectors(item_tags),
                tags=[
                    {
                        "sector": t.sector,
                        "score": round(t.score, 4),
                        "decided": t.decided,
                        "origin": t.origin,
                        "edition": t.edition,
                        "reasons": t.reasons,
                    }
                    for t in item_tags
                ],
                hs_chapters=chapters_of(decided_hs(hs_tags.get(row.id, []), row.hs_codes)),
                urgency=classification.urgency if classification else None,
            )


def write_records(
    records: Iterator[dict],
    fields: tuple[str, ...],
    list_fields: tuple[str, ...],
    output_format: str,
    output: Path | None,
) -> int:
    """Write records as JSON Lines or CSV (lists joined by "; ") to ``output`` or stdout."""
    stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    count = 0
    try:
        writer = None
        if output_format == "csv":
            writer = csv.DictWriter(stream, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
        for record in records:
            if writer is None:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                writer.writerow(
                    {
                        key: "; ".join(map(str, value or []))
                        if key in list_fields
                        else json.dumps(value, ensure_ascii=False)
                        if isinstance(value, list | dict)
                        else value
                        for key, value in record.items()
                    }
                )
            count += 1
    finally:
        if output:
            stream.close()
    return count


@export_app.command("notifications")
def export_notifications(
    output_format: str = typer.Option("jsonl", "--format", help="jsonl or csv."),
    output: Path = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
) -> None:
    """Every notification, one record each (joint ones included), in the import's field names."""
    if output_format not in ("jsonl", "csv"):
        raise typer.BadParameter("format must be jsonl or csv", param_hint="--format")
    with Session(default_engine()) as session:
        count = write_records(
            notification_records(session), RECORD_FIELDS + EXTRA_FIELDS, LIST_FIELDS, output_format, output
        )
    console.print(f"{count} notifications")


def register(root: typer.Typer) -> None:
    root.command("import")(import_command)
    from service.cli.crawl import export_changes

    export_app.command("changes")(export_changes)
    root.add_typer(export_app, name="export")
