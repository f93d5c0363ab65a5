"""Names of codes in the reader's language, the one definition for pages, alerts and API:
catalogue sectors (by edition) and WTO members."""

from functools import cache

from nlp.catalogue import DEFAULT_EDITION, load_edition
from store.members import all_members, resolve_member


@cache
def _sectors(edition: str) -> dict[str, tuple[str, str]]:
    try:
        return {s.code: (s.name_zh, s.name_en) for s in load_edition(edition).sectors}
    except KeyError:  # an edition no longer shipped: the current one names what it can
        return {}


def sector_codes(edition: str = DEFAULT_EDITION) -> list[str]:
    return list(_sectors(edition))


def sector_name(code: str, language: str, edition: str | None = None) -> str:
    """The sector's name in ``language`` ("zh" or "en") in ``edition`` (else the current one); the code if unknown."""
    names = _sectors(edition or DEFAULT_EDITION).get(code) or _sectors(DEFAULT_EDITION).get(code)
    return (names[0] if language == "zh" else names[1]) if names else code


def member_name(code: str | None, language: str) -> str:
    """The member's name in ``language``; the code itself when it names no member."""
    member = resolve_member(code) if code else None
    if member is None:
        return code or ""
    return member.name_zh if language == "zh" else member.name_en


def member_choices(language: str) -> list[tuple[str, str]]:
    """(code, name) of every WTO member, sorted by name."""
    pairs = [(m.code, m.name_zh if language == "zh" else m.name_en) for m in all_members()]
    return sorted(pairs, key=lambda pair: pair[1])
