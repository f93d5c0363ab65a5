"""ePing notification rows to records, shared by the three ePing spiders.

The API's item shape is the reference (crawlers/FORMATS.md section 1); the latest-notifications feed
and the bulk workbook rename their fields to it first. A joint ``documentSymbol`` list gives
one record per symbol, each linked to the others through ``joint_symbols`` and carrying its own
member, so the notification is findable under every member.
"""

from functools import lru_cache

from crawlers.items import NotificationRecord
from crawlers.normalise import first_text, hs_codes, ics_codes, links, names, parse_date, plain_text, text_language
from store.members import Member, member_by_eping_id, resolve_member
from store.models import NotificationCreate
from store.symbols import Symbol, parse_symbols

EPING_VIEW_URL = "https://eping.wto.org/en/Search?viewData={}"


def _short(text: str | None, limit: int) -> str | None:
    return text[:limit] if text else text


def _name(value) -> str | None:
    """A published name, given as text or as a ``{name: …}`` object."""
    found = names(value) if isinstance(value, dict | list) else [plain_text(value)]
    return "; ".join(n for n in found if n) or None


def _date_or_none(value):
    """A secondary date: one that cannot be read is left empty (its ``…Text`` field and the raw
    item keep what was published) rather than costing the whole notification."""
    try:
        return parse_date(value)
    except ValueError:
        return None


def _flag(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "y")
    return bool(value)


@lru_cache(maxsize=4096)
def _resolved(name_or_code: str) -> Member | None:
    """The member of a name or code (cached: a bulk file repeats a few hundred names 100,000 times)."""
    return resolve_member(name_or_code)


def _member(symbol: Symbol, published: str | None, eping_code, joint: bool) -> tuple[str | None, str | None]:
    """Name as published (for a joint list: the name of this symbol's member) and canonical code."""
    by_symbol = _resolved(symbol.member) if symbol.member else None
    by_name = _resolved(published) if published else None
    member = by_symbol or (member_by_eping_id(str(eping_code)) if eping_code else None) or by_name
    if joint and by_symbol is not None and by_name != by_symbol:
        published = by_symbol.name_en
    return published, member.code if member else None


def notification_records(
    item: dict, location: str, *, partial: bool = False, raw: dict | None = None
) -> list[NotificationRecord]:
    """The records of one ePing item (one per symbol of a joint list); ``raw`` is the row as
    published when ``item`` is a renaming of it. Raises ValueError
    (SymbolError, pydantic's ValidationError) when the item is malformed."""
    if not isinstance(item, dict):
        raise TypeError(f"an item is a JSON object, not {type(item).__name__}")
    symbols = parse_symbols(item.get("documentSymbol") or "")
    joint = [str(symbol) for symbol in symbols] if len(symbols) > 1 else []
    published_member = _name(item.get("notifyingMember"))
    fields = {
        "notification_type": _short(_name(item.get("notificationType")), 120),
        "distribution_date": parse_date(item.get("distributionDate")),
        "comment_deadline": _date_or_none(item.get("commentDeadlineDate")),
        "proposed_adoption_date": _date_or_none(item.get("proposedAdoptionDate")),
        "proposed_adoption_text": _short(plain_text(item.get("proposedAdoptionDateText")), 500),
        "entry_into_force_date": _date_or_none(item.get("proposedEntryIntoForceDate")),
        "entry_into_force_text": _short(plain_text(item.get("proposedEntryIntoForceDateText")), 500),
        "title": first_text(item, "titlePlain", "title"),
        "description": first_text(item, "descriptionPlain", "description"),
        "products_text": first_text(item, "productsFreeTextPlain", "productsFreeText"),
        "hs_codes": hs_codes(item.get("hsCodes")),
        "ics_codes": ics_codes(item.get("icsCodes")),
        "objectives": names(item.get("objectives")),
        "keywords": names(item.get("keywords")) + names(item.get("spsKeywords")),
        "countries_affected": names(item.get("countriesAffected")),
        "all_trading_partners": _flag(item.get("allTradingPartners")),
        "joint_symbols": joint,
        "links": links(item.get("notifiedDocumentLink")),
    }
    fields["language"] = text_language(fields["title"], fields["description"], fields["products_text"])
    landing = links(item.get("linkToNotification"))
    external_id = str(item["id"]) if item.get("id") not in (None, "") else None
    records = []
    for symbol in symbols:
        member_name, member_code = _member(symbol, published_member, item.get("notifyingMemberCode"), bool(joint))
        notification = NotificationCreate(
            symbol=str(symbol),
            base_symbol=str(symbol.base),
            symbol_kind=symbol.kind,
            committee=symbol.committee,
            member_name=_short(member_name, 200),
            member_code=member_code,
            source_url=landing[0] if landing else EPING_VIEW_URL.format(symbol),
            **fields,
        )
        records.append(
            NotificationRecord(
                notification=notification,
                external_id=external_id,
                raw=item if raw is None else raw,
                location=location,
                partial=partial,
            )
        )
    return records
