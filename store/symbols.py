"""WTO TBT/SPS notification symbols: parse, normalise, relate and locate.

Grammar (crawlers/FORMATS.md section 5): ``G/(TBT|SPS)/N/<MEMBER>/<n>`` followed by any chain of
``/Add.<n>``, ``/Rev.<n>``, ``/Corr.<n>``, ``/Suppl.<n>``; before 2001 the TBT committee
used ``G/TBT/Notif.<yy>.<n>`` (1995-2000), and before it, under the Tokyo Round Standards Code
(1980-1994), GATT's ``TBT/Notif.<yy>.<n>`` (no ``G/``: ``TBT/Notif.92.27``); both are TBT.
Portals publish sloppy renderings (stray spaces,
any case, ``ADD.1``, ``113.Add1``, ``VNM/03``, no leading ``G/``, full-width characters);
these normalise to the canonical text. Anything else, notably the other series of the
committees (``G/TBT/CS/N/…``, ``G/SPS/GEN/…``, ``G/TBT/1/Rev.15``), raises ``SymbolError``.

The member code is kept as published (``EEC``, ``EC`` and ``EU`` are three codes);
``Symbol.canonical_member_code`` maps it to the member register of ``store.members``.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from store.members import resolve_member

DOCS_WTO_URL = "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/{}&Open=True"

SUFFIX_KINDS = {"Add": "addendum", "Rev": "revision", "Corr": "corrigendum", "Suppl": "supplement"}
_SUFFIX_BY_UPPER = {name.upper(): name for name in SUFFIX_KINDS}
_LEGACY_YEARS = range(1980, 2001)
_WTO_FROM = 1995  # symbols of the GATT years carry no G/

_HEAD = re.compile(r"(?:G/)?(?P<committee>[A-Z]+)/")
_MODERN = re.compile(r"N/(?P<member>[A-Z]+)/(?P<number>\d+)")
_LEGACY = re.compile(r"NOTIF\.?(?P<year>\d{2})\.(?P<number>\d+)")
# The separator before a suffix may be "/", "." or nothing; the dot after its name may be missing.
_SUFFIX = re.compile(r"[/.]?(?P<name>[A-Z]+)\.?(?P<number>\d*)")
_LIST_SEPARATORS = re.compile(r"[,;\n、]|\s(?:AND|&)\s", re.IGNORECASE)


class SymbolError(ValueError):
    """The text is not a WTO TBT/SPS notification symbol."""


@dataclass(frozen=True)
class Symbol:
    """A notification symbol. Legacy (``G/TBT/Notif.96.285``) symbols have ``year`` and no member."""

    committee: str
    member: str | None
    number: int
    suffixes: tuple[tuple[str, int], ...] = ()
    year: int | None = None

    def __post_init__(self):
        if self.committee not in ("TBT", "SPS"):
            raise SymbolError(f"committee must be TBT or SPS, not {self.committee!r}")
        if (self.member is None) == (self.year is None):
            raise SymbolError("a symbol has either a member code or (legacy) a year")
        if self.year is not None and (self.committee != "TBT" or self.year not in _LEGACY_YEARS):
            raise SymbolError(
                f"legacy TBT/Notif.yy.n symbols are TBT of 1980-2000, not {self.committee} of {self.year}"
            )
        if self.member is not None and not re.fullmatch(r"[A-Z]{2,4}", self.member):
            raise SymbolError(f"member code must be 2 to 4 capital letters, not {self.member!r}")
        if self.number < 1 or any(n < 1 for _, n in self.suffixes):
            raise SymbolError("numbers in a symbol start at 1")
        if any(name not in SUFFIX_KINDS for name, _ in self.suffixes):
            raise SymbolError(f"suffixes are Add, Rev, Corr or Suppl, not {self.suffixes!r}")

    @property
    def legacy(self) -> bool:
        return self.year is not None

    @property
    def series(self) -> str:
        """``G`` for WTO documents; empty for the GATT notifications of 1980-1994."""
        return "" if self.year is not None and self.year < _WTO_FROM else "G"

    def __str__(self) -> str:
        return self._text

    # A symbol is immutable: its text and base are worked out once (a crawl asks for them
    # several times per notification).
    @cached_property
    def _text(self) -> str:
        if self.year is not None:  # legacy
            head = f"{self.series}/TBT/Notif.{self.year % 100:02d}.{self.number}".lstrip("/")
        else:
            head = f"G/{self.committee}/N/{self.member}/{self.number}"
        return head + "".join(f"/{name}.{n}" for name, n in self.suffixes)

    @cached_property
    def base(self) -> "Symbol":
        """The original notification: the symbol without any suffix."""
        return Symbol(self.committee, self.member, self.number, (), self.year)

    @property
    def parent(self) -> "Symbol | None":
        """The symbol without its last suffix; None for an original notification."""
        if not self.suffixes:
            return None
        return Symbol(self.committee, self.member, self.number, self.suffixes[:-1], self.year)

    @property
    def kind(self) -> str:
        """regular, addendum, revision, corrigendum or supplement: the kind of the last suffix."""
        return SUFFIX_KINDS[self.suffixes[-1][0]] if self.suffixes else "regular"

    @property
    def canonical_member_code(self) -> str | None:
        """The member register's code (``EEC``/``EC`` → ``EU``); None for legacy or unknown codes."""
        member = resolve_member(self.member) if self.member else None
        return member.code if member else None

    @property
    def docs_wto_filename(self) -> str:
        """File name on Documents Online: slashes after the series dropped, suffixes as A/R/C/S + n.

        ``G/SPS/N/CAN/996/Add.1`` → ``G/SPS/NCAN996A1.pdf`` (verified). Legacy symbols follow the
        same rule with their dots dropped, ``G/TBT/Notif.96.285`` → ``G/TBT/Notif96285.pdf``
        (UNVERIFIED: no legacy link was seen; the server is case-insensitive).
        """
        head = f"Notif{self.year % 100:02d}{self.number}" if self.year is not None else f"N{self.member}{self.number}"
        tail = "".join(f"{name[0]}{n}" for name, n in self.suffixes)
        return f"{self.series}/{self.committee}/{head}{tail}.pdf".lstrip("/")

    @property
    def docs_wto_url(self) -> str:
        return DOCS_WTO_URL.format(self.docs_wto_filename)


def parse_symbol(text: str) -> Symbol:
    """Parse one symbol, tolerating the sloppy renderings of real portals."""
    if not isinstance(text, str):
        raise SymbolError(f"a symbol is text, not {type(text).__name__}")
    return _parsed(text)


# Symbols are immutable, and a crawl parses each one again when it is stored (a batch of a
# thousand rows later): the last few thousand are remembered.
@lru_cache(maxsize=16384)
def _parsed(text: str) -> Symbol:
    cleaned = _clean(text)
    if not cleaned:
        raise SymbolError("empty symbol")
    head = _HEAD.match(cleaned)
    if not head or head["committee"] not in ("TBT", "SPS"):
        raise SymbolError(f"{text!r} is not a notification symbol: it must start with G/TBT/ or G/SPS/")
    committee, rest = head["committee"], cleaned[head.end() :]
    member: str | None = None
    year: int | None = None
    if modern := _MODERN.match(rest):
        member, number, position = modern["member"], int(modern["number"]), modern.end()
    elif committee == "TBT" and (legacy := _LEGACY.match(rest)):
        two_digits = int(legacy["year"])
        year = two_digits + (1900 if two_digits >= 50 else 2000)
        number, position = int(legacy["number"]), legacy.end()
    else:
        raise SymbolError(_explain_head(text, committee, rest))
    suffixes = _parse_suffixes(text, rest, position)
    try:
        return Symbol(committee, member, number, suffixes, year)
    except SymbolError as error:
        raise SymbolError(f"{text!r}: {error}") from None


def parse_symbols(text: str) -> list[Symbol]:
    """Parse a joint list (commas, semicolons, newlines, "and"); duplicates are dropped."""
    if not isinstance(text, str):
        raise SymbolError(f"a symbol list is text, not {type(text).__name__}")
    parts = [part.strip() for part in _LIST_SEPARATORS.split(unicodedata.normalize("NFKC", text)) if part.strip()]
    if not parts:
        raise SymbolError("empty symbol list")
    return list(dict.fromkeys(parse_symbol(part) for part in parts))


def normalise_symbol(text: str) -> str:
    """The canonical text of a symbol: ``' g/tbt/n/mex/318/ add.1'`` → ``G/TBT/N/MEX/318/Add.1``."""
    return str(parse_symbol(text))


def _clean(text: str) -> str:
    """Full-width forms folded, upper case, no whitespace (symbols never contain any), no trailing ./"""
    return re.sub(r"[\s\u200b\ufeff]+", "", unicodedata.normalize("NFKC", text)).upper().rstrip("./")


def _explain_head(text: str, committee: str, rest: str) -> str:
    series = rest.split("/", 1)[0]
    if series != "N" and not series.startswith("NOTIF"):
        return f"{text!r} is not a notification symbol: G/{committee}/{series}/ is another series than G/{committee}/N/"
    if series.startswith("NOTIF"):
        if committee != "TBT":
            return f"{text!r}: only the TBT committee used the legacy Notif.yy.n form"
        return f"{text!r}: a legacy symbol reads G/TBT/Notif.yy.n"
    parts = rest.split("/")
    if len(parts) < 2 or not parts[1]:
        return f"{text!r}: missing the member code after G/{committee}/N/"
    if len(parts) < 3 or not parts[2]:
        return f"{text!r}: missing the notification number after the member code"
    if not re.fullmatch(r"[A-Z]+", parts[1]):
        return f"{text!r}: member code must be letters, not {parts[1]!r}"
    return f"{text!r}: notification number must be digits, not {parts[2]!r}"


def _parse_suffixes(text: str, rest: str, position: int) -> tuple[tuple[str, int], ...]:
    suffixes = []
    while position < len(rest):
        match = _SUFFIX.match(rest, position)
        if not match:
            raise SymbolError(f"{text!r}: unexpected {rest[position:]!r} after the notification number")
        name = _SUFFIX_BY_UPPER.get(match["name"])
        if name is None:
            raise SymbolError(f"{text!r}: unknown suffix {match['name']!r} (expected Add., Rev., Corr. or Suppl.)")
        if not match["number"]:
            raise SymbolError(f"{text!r}: suffix {name} has no number")
        suffixes.append((name, int(match["number"])))
        position = match.end()
    return tuple(suffixes)
