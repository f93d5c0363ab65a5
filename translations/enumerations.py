"""The stored codes whose names the catalogue holds, by enumeration (the msgctxt of each
code's entry), and the Babel extractor that puts them into ``messages.pot``: a new code in
one of these tuples is a new untranslated message, which the catalogue test reports."""

from collections.abc import Iterator
from typing import IO, Any

from store.models import (
    ALERT_REASONS,
    DELIVERY_STATUSES,
    FEEDBACK_REASONS,
    FREQUENCIES,
    ITEM_KINDS,
    REPORT_STATUSES,
    ROLES,
    RUN_STATUSES,
    SYMBOL_KINDS,
    TAG_ORIGINS,
    TRIAGE_STATUSES,
    URGENCY_LEVELS,
    VERDICTS,
    WEEKDAYS,
)
from store.queries.search import NOTIFICATION_TYPES, OBJECTIVES, SORTS

ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "alert reason": ALERT_REASONS,
    "delivery status": DELIVERY_STATUSES,
    "feedback reason": FEEDBACK_REASONS,
    "frequency": FREQUENCIES,
    "item kind": ITEM_KINDS,
    "notification type": NOTIFICATION_TYPES,
    "objective": tuple(OBJECTIVES),
    "report status": REPORT_STATUSES,
    "role": ROLES,
    "run status": RUN_STATUSES,
    "search order": SORTS,
    "document kind": SYMBOL_KINDS,
    "tag origin": TAG_ORIGINS,
    "triage status": TRIAGE_STATUSES,
    "urgency": URGENCY_LEVELS,
    "verdict": VERDICTS,
    "weekday": WEEKDAYS,
}


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extraction method (``babel.cfg``): one ``pgettext(enumeration, code)`` per code."""
    for enumeration, codes in ENUMERATIONS.items():
        for code in codes:
            yield 1, "pgettext", (enumeration, code), [f"a stored {enumeration} code: translate it as its name"]
