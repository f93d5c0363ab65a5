"""Writes notification records (dev-set schema) as an ePing bulk workbook
(``Notification_EN.xlsx``): one row a notification, joint symbols comma-separated in one cell,
dates as date cells or ``dd/mm/yyyy`` text, code lists comma-separated, objectives ``; ``."""

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import openpyxl

HEADERS = (
    "Document symbol",
    "Notifying Member",
    "Notification type",
    "Distribution date",
    "Final date for comments",
    "Title",
    "Description",
    "Products covered",
    "HS code(s)",
    "ICS code(s)",
    "Objectives",
    "Keywords",
    "Notified document",
)


def row_of(record: dict, number: int) -> list:
    def day(value: str | None, as_text: bool):
        if not value:
            return None
        parsed = date.fromisoformat(value)
        return parsed.strftime("%d/%m/%Y") if as_text else parsed

    return [
        ", ".join(record["all_symbols"] or [record["symbol"]]),
        record["member"],
        record["notification_type"],
        day(record["distribution_date"], as_text=number % 2 == 1),
        day(record["comment_deadline"], as_text=number % 2 == 0),
        record["title"],
        record["description"],
        record["products_text"],
        ", ".join(record["hs_codes"]) or None,
        ", ".join(record["ics_codes"]) or None,
        "; ".join(record["objectives"]) or None,
        None,
        record["source_url"],
    ]


def write_workbook(path: Path, records: Iterable[dict], extra_rows: Iterable[list] = ()) -> int:
    """Write the workbook; returns the number of notification rows."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Notifications")
    sheet.append(HEADERS)
    count = 0
    for count, record in enumerate(records, start=1):
        sheet.append(row_of(record, count))
    for row in extra_rows:
        sheet.append(row)
    workbook.save(path)
    return count
