"""Names of HS codes and catalogue lines, as a reader sees them ("智能手机（HS 8517.13）").

Names come from the catalogue edition's code lines (Chinese and English product names); a code
is named after the most specific line it falls under. Codes are written the customs way:
``851713`` → ``8517.13``.
"""

from __future__ import annotations

from functools import cache

from nlp.catalogue import DEFAULT_EDITION, CodeLine, load_edition


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
