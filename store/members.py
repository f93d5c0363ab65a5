"""The WTO members register: codes, ePing ids, English and Chinese names, EU membership.

Data: ``store/data/members.csv`` (one row a member: the 166 WTO members, the European Union
among them; observers are not listed, none notifies in the data). ``code`` is the code WTO
symbols use (ISO 3166 alpha-3; ``EU``, ``TPKM`` for Chinese Taipei); ``eping_id`` is ``C`` + ISO
numeric, ``U918`` for the EU (zero-padded to three digits, ``C008``: unverified, so lookups by
id accept ``C8`` too); ``aliases`` holds, ``|``-separated, the other published spellings: older
codes (``EEC``), French and Spanish WTO names, Chinese portal names.

Names are matched on a key that ignores case, accents, punctuation, the word "the" and word
order, so ``Korea, Republic of``, ``REPUBLIC OF KOREA`` and ``Republic of Korea`` are one key.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files


class UnknownMemberError(ValueError):
    """The text names no WTO member."""


@dataclass(frozen=True)
class Member:
    code: str
    eping_id: str
    name_en: str
    name_zh: str
    eu_member: bool
    aliases: tuple[str, ...] = field(default=(), compare=False)


def resolve_member(name_or_code: str | None) -> Member | None:
    """The member a code, ePing id or published name (any language, any spelling) stands for."""
    if not isinstance(name_or_code, str):
        return None
    return _register()[0].get(_key(name_or_code))


def require_member(text: str | None) -> Member:
    member = resolve_member(text)
    if member is None:
        raise UnknownMemberError(f"{text!r} is not a known WTO member name, code or ePing id")
    return member


def all_members() -> list[Member]:
    """Every member, in the order of the data file."""
    return list(_register()[1])


def member_by_eping_id(eping_id: str) -> Member | None:
    """``C840`` → United States; ``C8`` and ``C008`` are the same id."""
    match = re.fullmatch(r"\s*([CU])0*(\d+)\s*", eping_id or "", re.IGNORECASE)
    if not match:
        return None
    return resolve_member(f"{match[1]}{int(match[2]):03d}")


def eu_member_states() -> list[Member]:
    return [member for member in _register()[1] if member.eu_member]


def is_eu_member_state(name_or_code: str) -> bool:
    """True for the 27 states; False for the EU itself and for anything unknown."""
    member = resolve_member(name_or_code)
    return bool(member and member.eu_member)


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("&", " and ")).casefold()
    letters = "".join(char for char in folded if not unicodedata.combining(char))
    words = re.sub(r"[\W_]+", " ", letters).split()
    return " ".join(sorted("saint" if word == "st" else word for word in words if word != "the"))


@cache
def _register() -> tuple[dict[str, Member], tuple[Member, ...]]:
    """Lookup by key, and all members; a key claimed by two members is a data error."""
    by_key: dict[str, Member] = {}
    members = []
    text = files("store").joinpath("data", "members.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        aliases = tuple(alias for alias in row["aliases"].split("|") if alias)
        eu_member = row["eu_member"] == "1"
        member = Member(row["code"], row["eping_id"], row["name_en"], row["name_zh"], eu_member, aliases)
        members.append(member)
        for spelling in (member.code, member.eping_id, member.name_en, member.name_zh, *aliases):
            claimed = by_key.setdefault(_key(spelling), member)
            if claimed is not member:
                raise ValueError(f"members.csv: {spelling!r} names both {claimed.code} and {member.code}")
    return by_key, tuple(members)
