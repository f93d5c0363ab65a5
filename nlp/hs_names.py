"""Names of HS codes, HS chapters and catalogue lines, as a reader sees them ("智能手机（HS
8517.13）", "85 电机、电气设备").

Names of codes come from the catalogue edition's code lines (Chinese and English product
names); a code is named after the most specific line it falls under. Codes are written the
customs way: ``851713`` → ``8517.13``. Chapters have short names in Chinese and English in
``resources/hs_chapter_names.csv`` (the Chinese after the customs tariff's chapter titles,
shortened).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from nlp.catalogue import DEFAULT_EDITION, CodeLine, load_edition

CHAPTER_NAMES_FILE = Path(__file__).parent / "resources" / "hs_chapter_names.csv"


def hs_display(code: str) -> str:
    """``851713`` → ``8517.13``, ``8517130000`` → ``8517.13.00.00``; shorter codes unchanged."""
    return ".".join([code[:4], *(code[i : i + 2] for i in range(4, len(code), 2))]) if len(code) > 4 else code


def code_display(system: str, code: str) -> str:
    return hs_display(code) if system == "HS" else code


@cache
def _lines(edition: str, system: str) -> dict[str, CodeLine]:
    """Every line of ``system`` in an edition by code (the first sector's when shared)."""
    lines: dict[str, CodeLine] = {}
    for sector in load_edition(edition).sectors:
        for line in sector.hs if system == "HS" else sector.ics:
            lines.setdefault(line.code, line)
    return lines


def line_name(system: str, code: str, language: str, edition: str = DEFAULT_EDITION) -> str | None:
    """The name of the most specific catalogue line ``code`` falls under, in ``language``
    (Chinese where the edition gives one, else English)."""
    try:
        lines = _lines(edition, system)
    except KeyError:
        lines = _lines(DEFAULT_EDITION, system)
    for length in range(len(code), 1, -1):
        line = lines.get(code[:length])
        if line is not None:
            return (line.label_zh if language == "zh" else "") or line.label or None
    return None


def product_name(code: str, language: str, edition: str = DEFAULT_EDITION) -> str | None:
    """The catalogue's name of the product an HS code falls under, in ``language``; None if the
    catalogue has no line of at least a heading (four digits) above it."""
    return line_name("HS", code, language, edition) if len(code) >= 4 else None


@cache
def _chapter_names() -> dict[str, tuple[str, str]]:
    with CHAPTER_NAMES_FILE.open(encoding="utf-8", newline="") as stream:
        return {row["chapter"]: (row["name_zh"], row["name_en"]) for row in csv.DictReader(stream)}


def chapter_name(chapter: str, language: str) -> str | None:
    """The chapter's name in ``language`` (zh, else English); None for an unknown chapter."""
    names = _chapter_names().get(chapter[:2])
    return (names[0] if language == "zh" else names[1]) if names else None


def chapter_label(chapter: str, language: str) -> str:
    """``85 电机、电气设备``: the chapter with its name (the number alone when it has none)."""
    name = chapter_name(chapter, language)
    return f"{chapter[:2]} {name}" if name else chapter[:2]
