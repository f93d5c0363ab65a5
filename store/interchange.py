"""The JSON Lines interchange format of notifications (the schema of the shared dev set):
what ``tbtwatch import`` reads and ``tbtwatch export notifications`` writes.

Reading validates one record and says clearly what is wrong; writing gives the same field
names back, plus fields the import does not need (canonical member code, symbol kind,
classification).
"""

import re
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from store.members import resolve_member
from store.models import Notification, NotificationCreate
from store.symbols import SymbolError, parse_symbol
from store.unicode import unstorable

RECORD_FIELDS = (
    "id",
    "symbol",
    "all_symbols",
    "committee",
    "member",
    "notification_type",
    "distribution_date",
    "comment_deadline",
    "title",
    "description",
    "products_text",
    "hs_codes",
    "ics_codes",
    "objectives",
    "language",
    "source_url",
    "sectors",
)
EXTRA_FIELDS = (
    "member_code",
    "base_symbol",
    "symbol_kind",
    "keywords",
    "countries_affected",
    "all_trading_partners",
    "proposed_adoption_date",
    "entry_into_force_date",
    "links",
    "source",
    "hs_chapters",
    "urgency",
    "tags",
)
LIST_FIELDS = (
    "all_symbols",
    "hs_codes",
    "ics_codes",
    "objectives",
    "sectors",
    "keywords",
    "countries_affected",
    "links",
)
# ISO 639-1, the codes a record's ``language`` may take.
LANGUAGES = frozenset(
    line for line in (Path(__file__).parent / "data" / "languages.txt").read_text().split("\n") if line[:1].isalpha()
)
HS_CODE = re.compile(r"^\d{2,10}$")
ICS_CODE = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")


class RecordError(ValueError):
    """A record that cannot be imported, with the reason."""


def _text(record: dict, field: str) -> str | None:
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{field} must be a string or null, not {type(value).__name__}")
    return value.strip() or None


def _list(record: dict, field: str) -> list[str]:
    value = record.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(f"{field} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _date(record: dict, field: str) -> date | None:
    value = _text(record, field)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise RecordError(f"{field} is not a YYYY-MM-DD date: {value!r}") from None


def _codes(record: dict, field: str, pattern: re.Pattern, strip: str) -> list[str]:
    codes = []
    for raw in _list(record, field):
        code = raw.translate(str.maketrans("", "", strip))
        if not pattern.match(code):
            raise RecordError(f"{field} has an invalid code: {raw!r}")
        codes.append(code)
    return codes


def notification_from_record(record: dict) -> tuple[NotificationCreate, list[str] | None]:
    """The notification in ``record`` and its hand-made sector labels (None when the record
    carries none). Raises :class:`RecordError` saying what is wrong."""
    if not isinstance(record, dict):
        raise RecordError("a record must be a JSON object")
    for field, value in record.items():
        reason = unstorable([field, value])
        if reason:
            raise RecordError(f"{field} holds {reason}")
    symbol_text = _text(record, "symbol")
    if not symbol_text and not record.get("id"):
        raise RecordError("a record needs a symbol or an id")
    try:
        symbol = parse_symbol(symbol_text) if symbol_text else None
        joint = [str(parse_symbol(s)) for s in _list(record, "all_symbols")]
    except SymbolError as error:
        raise RecordError(str(error)) from None
    committee = (_text(record, "committee") or "").upper() or None
    if committee not in (None, "TBT", "SPS"):
        raise RecordError(f"committee must be TBT or SPS, not {committee!r}")
    if symbol and committee and committee != symbol.committee:
        raise RecordError(f"committee {committee} does not match symbol {symbol}")
    sectors = record.get("sectors")
    if sectors is not None:
        sectors = _list(record, "sectors")
    member = _text(record, "member")
    if member is not None and resolve_member(member) is None:
        raise RecordError(f"member {member!r} is not a WTO member name or code")
    language = _text(record, "language")
    if language is not None and language.lower() not in LANGUAGES:
        raise RecordError(f"language {language!r} is not an ISO 639-1 code such as en, fr, es or zh")
    try:
        notification = NotificationCreate(
            symbol=str(symbol) if symbol else None,
            base_symbol=str(symbol.base) if symbol else None,
            symbol_kind=symbol.kind if symbol else "regular",
            committee=symbol.committee if symbol else committee,
            member_name=member,
            notification_type=_text(record, "notification_type"),
            distribution_date=_date(record, "distribution_date"),
            comment_deadline=_date(record, "comment_deadline"),
            title=_text(record, "title"),
            description=_text(record, "description"),
            products_text=_text(record, "products_text"),
            hs_codes=_codes(record, "hs_codes", HS_CODE, ". "),
            ics_codes=_codes(record, "ics_codes", ICS_CODE, " "),
            objectives=_list(record, "objectives"),
            joint_symbols=joint if len(joint) > 1 else [],
            language=language.lower() if language else None,
            source_url=_text(record, "source_url"),
        )
    except ValidationError as error:
        raise RecordError(str(error)) from None
    return notification, sectors


def record_from_notification(
    notification: Notification,
    *,
    sectors: list[str],
    tags: list[dict] | None = None,
    hs_chapters: list | None = None,
    urgency: str | None = None,
) -> dict:
    """The interchange record of a stored notification."""
    n = notification

    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": n.external_id if n.source == "import" and n.external_id else str(n.id),
        "symbol": n.symbol,
        "all_symbols": list(n.joint_symbols) or None,
        "committee": n.committee,
        "member": n.member_name,
        "notification_type": n.notification_type,
        "distribution_date": iso(n.distribution_date),
        "comment_deadline": iso(n.comment_deadline),
        "title": n.title,
        "description": n.description,
        "products_text": n.products_text,
        "hs_codes": list(n.hs_codes),
        "ics_codes": list(n.ics_codes),
        "objectives": list(n.objectives),
        "language": n.language,
        "source_url": n.source_url,
        "sectors": sectors,
        "member_code": n.member_code,
        "base_symbol": n.base_symbol,
        "symbol_kind": n.symbol_kind,
        "keywords": list(n.keywords),
        "countries_affected": list(n.countries_affected),
        "all_trading_partners": n.all_trading_partners,
        "proposed_adoption_date": iso(n.proposed_adoption_date),
        "entry_into_force_date": iso(n.entry_into_force_date),
        "links": list(n.links),
        "source": n.source,
        "hs_chapters": hs_chapters or [],
        "urgency": urgency,
        "tags": tags or [],
    }
