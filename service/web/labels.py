"""Names the pages show for codes: catalogue sectors and WTO members, in the page's language."""

from functools import lru_cache

from nlp.catalogue import DEFAULT_EDITION, load_edition
from store.members import all_members, resolve_member


@lru_cache
def _sectors(edition: str) -> dict[str, tuple[str, str]]:
    return {s.code: (s.name_zh, s.name_en) for s in load_edition(edition).sectors}


def sector_codes(edition: str = DEFAULT_EDITION) -> list[str]:
    return list(_sectors(edition))


def sector_name(code: str, lang: str, edition: str = DEFAULT_EDITION) -> str:
    names = _sectors(edition).get(code)
    return (names[0] if lang == "zh" else names[1]) if names else code


def member_name(code: str | None, lang: str) -> str:
    member = resolve_member(code) if code else None
    if member is None:
        return code or ""
    return member.name_zh if lang == "zh" else member.name_en


def member_choices(lang: str) -> list[tuple[str, str]]:
    """(code, name) of every WTO member, sorted by name."""
    pairs = [(m.code, m.name_zh if lang == "zh" else m.name_en) for m in all_members()]
    return sorted(pairs, key=lambda pair: pair[1])
