"""Normalising published values: HTML fragments to plain text, dates, HS and ICS codes,
name lists and links, in the shapes the sources are known (or feared) to use."""

import re
from collections.abc import Iterable
from contextlib import suppress
from datetime import date, datetime, timedelta

from dateutil import parser as dateutil_parser
from w3lib.html import remove_tags, remove_tags_with_content, replace_entities, replace_tags

from store.unicode import LONE_SURROGATE, repaired

_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "blockquote",
    "section",
    "article",
    "dd",
    "dt",
    "hr",
}
_SKIPPED = ("script", "style", "head", "title")
_HS_CODE = re.compile(r"(?:ex\s*)?(\d{2}(?:[.\s]?\d){0,8})(?![\d.]*\d)(?![^\W\d])", re.IGNORECASE)
_ICS_CODE = re.compile(r"(\d{2}(?:\.\d{3}(?:\.\d{2})?)?)(?![\d.]*\d)(?![^\W\d])")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_NOT_LETTER = re.compile(r"[\W\d_]+")
_URL = re.compile(r"https?://[^\s,;<>\"']+", re.IGNORECASE)
_DAY_FIRST = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel counts a 29 February 1900)
_EXCEL_SERIALS = range(2, 2_958_466)  # 1900-01-01 .. 9999-12-31
# A label before a code in a cell ("HS 8507", "ICS: 43.120", "HS code 8507.60"): the kind it names.
_CODE_LABEL = re.compile(r"^(?P<kind>HS|H\.S\.|ICS|CN|CCCN)\b\.?\s*(?:codes?)?\s*[:\-]?\s*", re.IGNORECASE)
# Two defaults for the fields a text leaves out: a date parsed the same under both names its day.
_PROBE_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))


def plain_text(value) -> str | None:
    """Plain text of a published field through w3lib: tags removed (block ends become line breaks),
    entities decoded (twice-escaped ones too), spaces collapsed, NUL characters dropped and lone
    surrogates (half a UTF-16 pair, from a JSON escape) replaced by U+FFFD; None when nothing is left."""
    if value is None:
        return None
    text = str(value)
    if not _needs_cleaning(text):
        return text.strip() or None
    # w3lib takes ~17 µs a field holding HTML where html.parser took ~7; bench/ingest.py's CPU
    # time did not move (20,000 rows: 14.2-15.2 s against 14.7-15.8 s, at load 5-8)
    if "<" in text:
        text = remove_tags_with_content(text, which_ones=_SKIPPED)
        text = replace_tags(remove_tags(text, keep=_BLOCKS), "\n")
    for _ in range(3):  # twice-escaped entities too (&amp;amp;); unknown ones (AT&T;) stay as written
        decoded = replace_entities(text, remove_illegal=False)
        if decoded == text:
            break
        text = decoded
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u200b", "")
    text = repaired(text).replace("\x00", "")  # what no text column can store
    lines = (re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line) or None


def _needs_cleaning(text: str) -> bool:
    """Whether ``text`` holds a tag or entity, a carriage return, a special space, or spaces and
    line breaks that collapse; text without any needs no more than stripping (the common case,
    checked by substring tests, several times faster than a regular expression)."""
    return (
        (not text.isascii() and LONE_SURROGATE.search(text) is not None)
        or "\x00" in text
        or "<" in text
        or "&" in text
        or "\r" in text
        or "\xa0" in text
        or "\u200b" in text
        or "\t" in text
        or "\f" in text
        or "\v" in text
        or "  " in text
        or ("\n" in text and (" \n" in text or "\n " in text or "\n\n" in text))
    )


def first_text(item: dict, *fields: str) -> str | None:
    """The plain text of the first of ``fields`` that has any (``titlePlain`` before ``title``)."""
    for field in fields:
        text = plain_text(item.get(field))
        if text:
            return text
    return None


def parse_date(value) -> date | None:
    """A date from an ISO date or date-time, ``dd/mm/yyyy`` (``mm/dd/yyyy`` when the first
    number cannot be a day's month: ``9/15/2026``), an RFC 822 date, any other format that names
    day, month and year (``14 Oct. 2024``, ``14.10.2024``), or a spreadsheet cell (a
    date, or a date's serial number such as ``46280`` when the cell is not formatted as a date);
    None for empty values and placeholder years (``0001-01-01T00:00:00``).
    Raises ValueError for text that is no date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = _excel_serial(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        parsed = _parse_date_text(text)
    return parsed if parsed.year >= 1900 else None


def _excel_serial(value: float) -> date:
    """The date of a spreadsheet serial number (a fraction is the time of day)."""
    days = int(value)
    if days not in _EXCEL_SERIALS:
        raise ValueError(f"not a date: {value!r}")
    return _EXCEL_EPOCH + timedelta(days=days)


def _parse_date_text(text: str) -> date:
    """ISO and ``dd/mm/yyyy`` (nearly every date published) are read here, other formats by
    dateutil: its parser takes 17 to 26 µs a date where these paths take 1 to 2 µs (at load 4),
    and the bulk workbook's 105,000 rows hold three or four dates each."""
    if day_first := _DAY_FIRST.fullmatch(text):  # the bulk workbook's dd/mm/yyyy, without strptime
        day, month, year = map(int, day_first.groups())
        with suppress(ValueError):
            return date(year, month, day)
        with suppress(ValueError):
            return date(year, day, month)  # mm/dd/yyyy: 9/15/2026
    if _EXCEL_SERIAL.fullmatch(text):
        return _excel_serial(float(text))
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text[:10])
    try:
        first, second = (dateutil_parser.parse(text, dayfirst=True, default=d).date() for d in _PROBE_DEFAULTS)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"not a date: {text!r}") from error
    if first != second:  # "May", "October 2026": no day
        raise ValueError(f"not a date: {text!r}")
    return first


def _code_texts(value) -> Iterable[str]:
    """Code strings from a list of strings, a list of ``{code: …}`` objects or one delimited string."""
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return re.split(r"[,;\n]+", str(value))
    if isinstance(value, dict):
        value = [value]
    texts = []
    for entry in value:
        code = (
            entry.get("code") or entry.get("Code") or entry.get("value") or entry.get("id")
            if isinstance(entry, dict)
            else entry
        )
        if code is not None:
            texts.extend(re.split(r"[,;\n]+", str(code)))
    return texts


def _codes(value, pattern: re.Pattern, ignored: str, kinds: tuple[str, ...]) -> list[str]:
    """Codes at the start of each entry; an entry labelled with another kind of code
    (``ICS 43.120`` when reading HS codes) is not read."""
    codes = []
    for entry in _code_texts(value):
        text = entry.strip()
        if label := _CODE_LABEL.match(text):
            if label["kind"].upper() not in kinds:
                continue
            text = text[label.end() :]
        match = pattern.match(text)
        if match:
            codes.append(re.sub(ignored, "", match[1]))
    return list(dict.fromkeys(codes))


def hs_codes(value) -> list[str]:
    """HS codes as 2 to 10 digits without dots: ``"8507.60"``, ``"ex 8507.60"``, ``"HS 8507"``
    and ``"850760 Lithium-ion"`` give ``"850760"``; entries with no code are dropped."""
    return _codes(value, _HS_CODE, r"[\s.]", ("HS", "H.S.", "CN", "CCCN"))


def ics_codes(value) -> list[str]:
    """ICS codes ``NN``, ``NN.NNN`` or ``NN.NNN.NN`` (``"ICS 43.120"`` too) at the start of each entry."""
    return _codes(value, _ICS_CODE, r"\s", ("ICS",))


def names(value, separators: str = r"[;\n]+") -> list[str]:
    """Names from a list of ``{name: …}`` objects, a list of strings or a delimited string."""
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(separators, value)
    found = []
    for entry in value if isinstance(value, list) else [value]:
        name = entry.get("name") or entry.get("Name") or entry.get("text") if isinstance(entry, dict) else entry
        text = plain_text(name) if name is not None else None
        if text:
            found.append(text)
    return list(dict.fromkeys(found))


def links(*values) -> list[str]:
    """The http(s) URLs in text fields that hold one or more, separated by newlines, commas or
    spaces, in order, without duplicates."""
    found: list[str] = []
    for value in values:
        if value:
            text = replace_entities(str(value), remove_illegal=False)
            found.extend(url.rstrip(".)") for url in _URL.findall(text))
    return list(dict.fromkeys(found))


def text_language(*texts: str | None, default: str = "en") -> str:
    """``zh`` when the texts are mostly Chinese (portals publish translations through the same
    channels), else ``default`` (the language the source was asked for)."""
    start = " ".join(text for text in texts if text)[:300]
    if start.isascii() or not _CJK.search(start):
        return default
    sample = _NOT_LETTER.sub("", start)
    return "zh" if sample and len(_CJK.findall(sample)) / len(sample) > 0.3 else default
